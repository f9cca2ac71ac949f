#!/bin/sh
echo "clinicgraph does not use Prisma's native schema engine. Use: npm run db:migrate (apply) or npm run db:migration -- <name> (author)." >&2
exit 1
