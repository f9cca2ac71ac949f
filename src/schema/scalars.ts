import { Kind, type ValueNode } from 'graphql';
import { Prisma } from '../generated/prisma/client.js';
import { builder } from '../builder.js';
import { badUserInput } from '../errors.js';

const datePattern = /^\d{4}-\d{2}-\d{2}$/;
const isoInstantText = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const moneyText = /^-?\d+\.\d{2}$/;

function parseDate(value: unknown): Date {
  if (typeof value !== 'string' || !datePattern.test(value)) {
    throw badUserInput(`Dates are written YYYY-MM-DD (e.g. "2026-01-31"); got ${JSON.stringify(value)?.slice(0, 40)}.`);
  }
  const date = new Date(`${value}T00:00:00.000Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw badUserInput(`"${value}" is not a calendar date.`);
  }
  return date;
}

function parseDateTime(value: unknown): Date {
  const date = typeof value === 'string' ? new Date(value) : new Date(Number.NaN);
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(date.getTime())) {
    throw badUserInput(`Timestamps are ISO-8601 (e.g. "2026-01-31T14:00:00Z"); got ${JSON.stringify(value)?.slice(0, 40)}.`);
  }
  return date;
}

const literal = (ast: ValueNode) => (ast.kind === Kind.STRING ? ast.value : undefined);

builder.scalarType('Date', {
  description: 'A calendar date, YYYY-MM-DD.',
  serialize: (value) => (value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10)),
  parseValue: parseDate,
  parseLiteral: (ast) => parseDate(literal(ast)),
});

builder.scalarType('DateTime', {
  description: 'An instant, ISO-8601 in UTC (e.g. "2026-01-31T14:00:00.000Z").',
  // Rows read from PostgreSQL carry instants already as ISO text (src/db/database.ts, isoInstant).
  serialize: (value) =>
    typeof value === 'string' && isoInstantText.test(value) ? value : (value instanceof Date ? value : new Date(String(value))).toISOString(),
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(literal(ast)),
});

builder.scalarType('Decimal', {
  description: 'A money amount as a decimal string with two places (e.g. "150.00"), never a float.',
  serialize: (value) => (typeof value === 'string' && moneyText.test(value) ? value : new Prisma.Decimal(value as string).toFixed(2)),
  parseValue: (value) => {
    if (typeof value !== 'string' || !/^-?\d{1,10}(\.\d{1,2})?$/.test(value)) {
      throw badUserInput(`Amounts are decimal strings with at most two places (e.g. "150.00"); got ${JSON.stringify(value)?.slice(0, 40)}.`);
    }
    return value;
  },
});

builder.scalarType('JSON', {
  description: 'An arbitrary JSON value.',
  serialize: (value) => value,
  parseValue: (value) => value,
});
