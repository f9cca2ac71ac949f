import { builder, fieldGuard } from '../builder.js';
import type { Rows } from '../data/loaders.js';
import { given, parseId, searchCondition } from './arguments.js';
import { connectionType, resourceNode, rootConnection, rowById } from './connections.js';

export const FacilityRef = builder.objectRef<Rows['Facility']>('Facility');
const FacilityConnection = connectionType(FacilityRef, 'Facility');

resourceNode('Facility', FacilityRef, {
  description: 'A location of the clinic.',
  fields: (t) => ({
    name: t.exposeString('name'),
    timezone: t.exposeString('timezone', { description: 'IANA time zone, e.g. America/Chicago.' }),
    specialty: t.exposeString('specialty', { nullable: true }),
    isVisible: t.exposeBoolean('isVisible', { description: 'Shown to patients (e.g. in online booking).' }),
    organizationNpi: t.exposeString('organizationNpi', { nullable: true, description: 'Type 2 (organization) NPI.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  facilities: t.connection({
    ...fieldGuard('Facility', 'Facilities, by name.'),
    type: FacilityRef,
    args: {
      search: t.arg.string({ description: 'Part of the name.' }),
      isVisible: t.arg.boolean(),
    },
    resolve: (_root, args, context, info) =>
      rootConnection(
        context,
        'Facility',
        {
          conditions: [
            ...searchCondition(args.search, ['name']),
            ...given(args.isVisible != null && { op: 'eq', column: 'isVisible', value: args.isVisible }),
          ],
          order: [{ column: 'name' }],
        },
        args,
        info,
      ),
  }, FacilityConnection),
  facility: t.field({
    ...fieldGuard('Facility', 'A facility by id; null when none exists in this organization.'),
    type: FacilityRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context, info) => rowById(context, 'Facility', parseId(args.id, 'Facility'), info),
  }),
}));
