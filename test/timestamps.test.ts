import { describe, expect, it } from 'vitest';
import { isoInstant, parseUtcTimestamp } from '../src/db/database.js';

/** PostgreSQL's text form of a timestamp, read as the UTC instant it stores, exactly as Date's own parser reads it. */
describe('timestamps read from PostgreSQL', () => {
  it.each([
    '2026-01-31 14:05:09',
    '2026-01-31 14:05:09.1',
    '2026-01-31 14:05:09.12',
    '2026-01-31 14:05:09.123',
    '2026-01-31 14:05:09.123456',
    '2024-02-29 23:59:59.999',
    '1970-01-01 00:00:00',
    '1969-12-31 23:59:59.5',
    '0099-12-31 23:59:59.999',
  ])('%s', (text) => {
    const expected = new Date(`${text.replace(' ', 'T')}Z`).toISOString();
    expect(parseUtcTimestamp(text).toISOString()).toBe(expected);
    // As the API serves it, without a Date in between.
    expect(isoInstant(text)).toBe(expected);
  });

  it('leaves forms it does not read digit by digit to Date (infinity, BC, five-digit years)', () => {
    for (const text of ['infinity', '-infinity', '2026-01-31 14:05:09 BC', '12026-01-31 14:05:09']) {
      expect(Number.isNaN(parseUtcTimestamp(text).getTime())).toBe(true);
    }
  });
});
