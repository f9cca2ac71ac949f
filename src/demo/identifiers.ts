/**
 * Check-digit algorithms for the identifiers the clinic data carries (NPI, GTIN) and the GS1 element
 * strings printed on drug and device packaging. Pure functions: no I/O, no randomness.
 */

function assertDigits(value: string, length: number, what: string): void {
  if (value.length !== length || !/^\d+$/.test(value)) {
    throw new Error(`${what} must be exactly ${length} digits, got "${value}"`);
  }
}

// ─── NPI ────────────────────────────────────────────────────────────────────

/**
 * NPIs use the Luhn algorithm over the card-issuer prefix 80840 (ISO 7812, health industry) followed by
 * the first nine digits of the NPI; the tenth digit is the Luhn check digit.
 */
export function npiCheckDigit(nineDigits: string): string {
  assertDigits(nineDigits, 9, 'NPI base');
  const payload = `80840${nineDigits}`;
  let sum = 0;
  // The check digit will sit to the right of the payload, so the payload's last digit is doubled.
  for (let i = 0; i < payload.length; i++) {
    let digit = payload.charCodeAt(payload.length - 1 - i) - 48;
    if (i % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return String((10 - (sum % 10)) % 10);
}

export function makeNpi(nineDigits: string): string {
  return nineDigits + npiCheckDigit(nineDigits);
}

/** NPIs start with 1 or 2 (the NPPES first digit); the tenth digit is the Luhn check digit. */
export function isValidNpi(value: string): boolean {
  if (!/^[12]\d{9}$/.test(value)) return false;
  return npiCheckDigit(value.slice(0, 9)) === value[9];
}

// ─── GTIN ───────────────────────────────────────────────────────────────────

/** GS1 mod-10: weights 3,1,3,1… from the rightmost data digit; works for GTIN-8/12/13/14 data. */
export function gtinCheckDigit(dataDigits: string): string {
  if (!/^\d{7,17}$/.test(dataDigits)) throw new Error(`GTIN data must be 7-17 digits, got "${dataDigits}"`);
  let sum = 0;
  for (let i = 0; i < dataDigits.length; i++) {
    const digit = dataDigits.charCodeAt(dataDigits.length - 1 - i) - 48;
    sum += i % 2 === 0 ? digit * 3 : digit;
  }
  return String((10 - (sum % 10)) % 10);
}

export function makeGtin14(thirteenDigits: string): string {
  assertDigits(thirteenDigits, 13, 'GTIN-14 data');
  return thirteenDigits + gtinCheckDigit(thirteenDigits);
}

/** Accepts GTIN-8, -12, -13 and -14 (all share the GS1 check digit). */
export function isValidGtin(value: string): boolean {
  if (!/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(value)) return false;
  return gtinCheckDigit(value.slice(0, -1)) === value[value.length - 1];
}

/**
 * The GTIN-14 that US drug packaging carries for a 10-digit NDC: indicator digit, the "03" that marks
 * an NDC inside GS1's US numbering space, the NDC's ten digits, then the check digit.
 */
export function gtinFromNdc(ndc: string, indicatorDigit = 0): string {
  const digits = ndc.replace(/-/g, '');
  assertDigits(digits, 10, 'NDC');
  return makeGtin14(`${indicatorDigit}03${digits}`);
}

/** NDCs in the three 10-digit layouts the FDA assigns: 4-4-2, 5-3-2 and 5-4-1. */
export function isNdc10(value: string): boolean {
  return /^(\d{4}-\d{4}-\d{2}|\d{5}-\d{3}-\d{2}|\d{5}-\d{4}-\d{1})$/.test(value);
}

// ─── GS1 element strings ────────────────────────────────────────────────────

export interface Gs1Data {
  gtin: string;
  lot?: string | null;
  expiry?: Date | null;
  serial?: string | null;
}

/** Application identifier → value, e.g. `{ '01': '00312345678906', '17': '270131', '10': 'LOT123' }`. */
export type Gs1Fields = Record<string, string>;

/** GS1's group separator, what a scanner transmits for FNC1 between variable-length fields. */
export const groupSeparator = '\u001d';

/** Expiry as GS1 AI (17) YYMMDD, read in UTC (DATE columns hold UTC midnights). */
export function gs1Date(date: Date): string {
  const yy = String(date.getUTCFullYear() % 100).padStart(2, '0');
  const mm = String(date.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(date.getUTCDate()).padStart(2, '0');
  return `${yy}${mm}${dd}`;
}

/** GS1 AI (17) YYMMDD to a UTC date. Day 00 means the last day of the month; years 51-99 are 1900s (GS1 general spec rule simplified). */
export function dateFromGs1(yymmdd: string): Date {
  assertDigits(yymmdd, 6, 'GS1 date');
  const yy = Number(yymmdd.slice(0, 2));
  const month = Number(yymmdd.slice(2, 4));
  const day = Number(yymmdd.slice(4, 6));
  const year = yy >= 51 ? 1900 + yy : 2000 + yy;
  return day === 0 ? new Date(Date.UTC(year, month, 0)) : new Date(Date.UTC(year, month - 1, day));
}

function gs1Pairs(data: Gs1Data): Array<[string, string]> {
  assertDigits(data.gtin, 14, 'GTIN-14');
  const pairs: Array<[string, string]> = [['01', data.gtin]];
  if (data.expiry) pairs.push(['17', gs1Date(data.expiry)]);
  if (data.lot) pairs.push(['10', data.lot]);
  if (data.serial) pairs.push(['21', data.serial]);
  return pairs;
}

/** Human-readable element string: `(01)00312345678906(17)270131(10)LOT123(21)SER9`. */
export function gs1ElementString(data: Gs1Data): string {
  return gs1Pairs(data)
    .map(([ai, value]) => `(${ai})${value}`)
    .join('');
}

/** What a barcode scanner transmits: no parentheses, a GS after each variable-length field that is not last. */
export function gs1ScannedString(data: Gs1Data): string {
  const pairs = gs1Pairs(data);
  return pairs
    .map(([ai, value], index) => {
      const fixed = fixedLengthAis.has(ai);
      return `${ai}${value}${!fixed && index < pairs.length - 1 ? groupSeparator : ''}`;
    })
    .join('');
}

/** Fixed-length AIs (data length); every other AI we know is variable length with the given maximum. */
const fixedLengthAis = new Map<string, number>([
  ['00', 18],
  ['01', 14],
  ['02', 14],
  ['11', 6],
  ['12', 6],
  ['13', 6],
  ['15', 6],
  ['16', 6],
  ['17', 6],
  ['20', 2],
]);

const variableLengthAis = new Map<string, number>([
  ['10', 20],
  ['21', 20],
  ['22', 20],
  ['30', 8],
  ['37', 8],
  ['240', 30],
  ['241', 30],
  ['250', 30],
  ['400', 30],
]);

/**
 * Parses a GS1 element string: the parenthesised human-readable form, or the raw scanner form with GS
 * (\u001d) separators, optionally prefixed with a symbology identifier such as `]d2` or `]C1`.
 */
export function parseGs1(raw: string): Gs1Fields {
  const text = raw.trim().replace(/^\](C1|d2|e0|Q3)/, '');
  return text.startsWith('(') ? parseParenthesised(text) : parseScanned(text);
}

function parseParenthesised(text: string): Gs1Fields {
  const fields: Gs1Fields = {};
  const pattern = /\((\d{2,4})\)([^()]*)/gy;
  let consumed = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    const ai = match[1] ?? '';
    const value = match[2] ?? '';
    const fixed = fixedLengthAis.get(ai);
    if (fixed !== undefined && value.length !== fixed) {
      throw new Error(`GS1 AI (${ai}) needs ${fixed} characters, got "${value}"`);
    }
    fields[ai] = value;
    consumed = pattern.lastIndex;
  }
  if (consumed !== text.length) throw new Error(`Not a GS1 element string: "${text}"`);
  return fields;
}

function parseScanned(text: string): Gs1Fields {
  const fields: Gs1Fields = {};
  let i = 0;
  while (i < text.length) {
    if (text[i] === groupSeparator) {
      i++;
      continue;
    }
    const two = text.slice(i, i + 2);
    const three = text.slice(i, i + 3);
    let ai: string;
    let value: string;
    const fixed = fixedLengthAis.get(two);
    if (fixed !== undefined) {
      ai = two;
      value = text.slice(i + 2, i + 2 + fixed);
      if (value.length !== fixed || !/^\d+$/.test(value)) throw new Error(`GS1 AI (${ai}) needs ${fixed} digits at offset ${i}`);
      i += 2 + fixed;
    } else {
      ai = variableLengthAis.has(two) ? two : variableLengthAis.has(three) ? three : '';
      if (!ai) throw new Error(`Unknown GS1 application identifier at offset ${i}: "${text.slice(i, i + 4)}"`);
      const start = i + ai.length;
      const separator = text.indexOf(groupSeparator, start);
      const end = separator === -1 ? text.length : separator;
      value = text.slice(start, end);
      const max = variableLengthAis.get(ai) ?? 0;
      if (value.length === 0 || value.length > max) throw new Error(`GS1 AI (${ai}) value must be 1-${max} characters`);
      i = end;
    }
    fields[ai] = value;
  }
  return fields;
}
