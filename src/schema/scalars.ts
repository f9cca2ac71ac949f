import { GraphQLError, Kind, type ValueNode } from 'graphql';
import { Prisma } from '../generated/prisma/client.js';
import { builder } from '../builder.js';
import { badUserInput } from '../errors.js';

const datePattern = /^\d{4}-\d{2}-\d{2}$/;
const isoInstantText = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const moneyText = /^-?\d+\.\d{2}$/;

/** YYYY-MM-DD names a day that exists (JavaScript's Date reads February 30 as March 2). */
function calendarDay(text: string): Date | null {
  const date = new Date(`${text}T00:00:00.000Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text ? date : null;
}

function parseDate(value: unknown): Date {
  if (typeof value !== 'string' || !datePattern.test(value)) {
    throw badUserInput(`Dates are written YYYY-MM-DD (e.g. "2026-01-31"); got ${JSON.stringify(value)?.slice(0, 40)}.`);
  }
  const date = calendarDay(value);
  if (!date) throw badUserInput(`"${value}" is not a calendar date.`);
  return date;
}

/** RFC 3339 `date-time`: a date, a time and an offset (Z or ±hh:mm), with optional fractions of a second. */
const rfc3339DateTime = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

function parseDateTime(value: unknown): Date {
  const date = typeof value === 'string' ? new Date(value) : new Date(Number.NaN);
  if (typeof value !== 'string' || !rfc3339DateTime.test(value) || Number.isNaN(date.getTime())) {
    throw badUserInput(
      `Timestamps are RFC 3339 with an offset (e.g. "2026-01-31T14:00:00Z" or "2026-01-31T09:00:00-05:00"); got ${JSON.stringify(value)?.slice(0, 40)}.`,
    );
  }
  if (!calendarDay(value.slice(0, 10))) throw badUserInput(`"${value.slice(0, 10)}" is not a calendar date.`);
  return date;
}

/** A scalar's literal parsed, its error located at the literal: graphql-js reports it as thrown, and a literal has no argument name to quote. */
const fromLiteral =
  <T>(parse: (value: unknown) => T) =>
  (ast: ValueNode): T => {
    try {
      return parse(ast.kind === Kind.STRING ? ast.value : undefined);
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      throw new GraphQLError(error.message, { nodes: ast, extensions: error.extensions });
    }
  };

builder.scalarType('Date', {
  description: 'A calendar date, YYYY-MM-DD (RFC 3339 `full-date`, the ISO 8601 extended calendar date), with no time or zone.',
  specifiedByURL: 'https://www.rfc-editor.org/rfc/rfc3339#section-5.6',
  serialize: (value) => (value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10)),
  parseValue: parseDate,
  parseLiteral: fromLiteral(parseDate),
});

builder.scalarType('DateTime', {
  description:
    'An instant, RFC 3339 `date-time`. Served in UTC with milliseconds (e.g. "2026-01-31T14:00:00.000Z"); accepted with any offset (Z or ±hh:mm).',
  specifiedByURL: 'https://scalars.graphql.org/andimarek/date-time',
  // Rows read from PostgreSQL carry instants already as ISO text (src/db/database.ts, isoInstant).
  serialize: (value) =>
    typeof value === 'string' && isoInstantText.test(value) ? value : (value instanceof Date ? value : new Date(String(value))).toISOString(),
  parseValue: parseDateTime,
  parseLiteral: fromLiteral(parseDateTime),
});

builder.scalarType('Decimal', {
  // No published scalar specification covers decimal strings: the description is the contract.
  description:
    'A money amount in the clinic\'s currency, as a decimal string: optional minus sign, digits, a dot and exactly two places (e.g. "150.00", "-12.50"); never a float. Stored as DECIMAL(12,2). Accepted with zero to two places.',
  serialize: (value) => (typeof value === 'string' && moneyText.test(value) ? value : new Prisma.Decimal(value as string).toFixed(2)),
  parseValue: (value) => {
    if (typeof value !== 'string' || !/^-?\d{1,10}(\.\d{1,2})?$/.test(value)) {
      throw badUserInput(`Amounts are decimal strings with at most two places (e.g. "150.00"); got ${JSON.stringify(value)?.slice(0, 40)}.`);
    }
    return value;
  },
});

builder.scalarType('JSON', {
  description: 'Any JSON value (RFC 8259): object, array, string, number, boolean or null.',
  specifiedByURL: 'https://www.rfc-editor.org/rfc/rfc8259',
  serialize: (value) => value,
  parseValue: (value) => value,
});
