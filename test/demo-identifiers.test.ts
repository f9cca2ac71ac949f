import { describe, expect, it } from 'vitest';
import {
  dateFromGs1,
  gs1Date,
  gs1ElementString,
  gs1ScannedString,
  groupSeparator,
  gtinCheckDigit,
  gtinFromNdc,
  isNdc10,
  isValidGtin,
  isValidNpi,
  makeGtin14,
  makeNpi,
  npiCheckDigit,
  parseGs1,
} from '../src/demo/identifiers.js';

/** Every string that differs from `value` in exactly one digit. */
function oneDigitChanges(value: string): string[] {
  const variants: string[] = [];
  for (let i = 0; i < value.length; i++) {
    for (let digit = 0; digit <= 9; digit++) {
      if (String(digit) !== value[i]) variants.push(value.slice(0, i) + digit + value.slice(i + 1));
    }
  }
  return variants;
}

describe('NPI', () => {
  it('accepts the CMS example NPI and computes its check digit', () => {
    expect(isValidNpi('1234567893')).toBe(true);
    expect(npiCheckDigit('123456789')).toBe('3');
    expect(makeNpi('123456789')).toBe('1234567893');
  });

  it('rejects every one-digit change of a valid NPI', () => {
    for (const changed of oneDigitChanges('1234567893')) expect(isValidNpi(changed), changed).toBe(false);
  });

  it('rejects wrong lengths, letters and first digits other than 1 or 2', () => {
    expect(isValidNpi('123456789')).toBe(false);
    expect(isValidNpi('12345678930')).toBe(false);
    expect(isValidNpi('123456789X')).toBe(false);
    // Passes the Luhn check, but NPIs start with 1 or 2.
    expect(isValidNpi(makeNpi('323456789'))).toBe(false);
  });

  it('makes valid NPIs from any nine digits', () => {
    for (const base of ['100000000', '199999999', '212345678', '287654321', '150000005']) {
      expect(isValidNpi(makeNpi(base))).toBe(true);
    }
    expect(() => makeNpi('12345678')).toThrow();
  });
});

describe('GTIN', () => {
  it('accepts known-valid GTINs of every length', () => {
    expect(isValidGtin('00012345600012')).toBe(true);
    // GTIN-13 and UPC-A (GTIN-12) examples from the GS1 and UPC literature.
    expect(isValidGtin('4006381333931')).toBe(true);
    expect(isValidGtin('036000291452')).toBe(true);
    expect(isValidGtin('96385074')).toBe(true);
    expect(gtinCheckDigit('0001234560001')).toBe('2');
    expect(makeGtin14('0001234560001')).toBe('00012345600012');
  });

  it('rejects every one-digit change of a valid GTIN-14', () => {
    for (const changed of oneDigitChanges('00012345600012')) expect(isValidGtin(changed), changed).toBe(false);
  });

  it('rejects wrong lengths and non-digits', () => {
    expect(isValidGtin('00012345600')).toBe(false);
    expect(isValidGtin('000123456000120')).toBe(false);
    expect(isValidGtin('0001234560001A')).toBe(false);
  });

  it('derives the GTIN-14 of a drug from its NDC (indicator, 03, the ten NDC digits, check digit)', () => {
    expect(gtinFromNdc('1234-5678-90')).toBe('00312345678906');
    expect(gtinFromNdc('0002-1365-01').slice(0, 13)).toBe('0030002136501');
    expect(isValidGtin(gtinFromNdc('0002-1365-01'))).toBe(true);
    expect(isValidGtin(gtinFromNdc('63323-482-27'))).toBe(true);
    expect(gtinFromNdc('63323-482-27', 5).slice(0, 1)).toBe('5');
    expect(isNdc10('0002-1365-01')).toBe(true);
    expect(isNdc10('63323-482-27')).toBe(true);
    expect(isNdc10('51672-1258-1')).toBe(true);
    expect(isNdc10('51672-1258-12')).toBe(false);
  });
});

describe('GS1 element strings', () => {
  const data = { gtin: '00312345678906', lot: 'LOT123', expiry: new Date(Date.UTC(2027, 0, 31)), serial: 'SER9' };

  it('writes the parenthesised form in AI order 01, 17, 10, 21', () => {
    expect(gs1ElementString(data)).toBe('(01)00312345678906(17)270131(10)LOT123(21)SER9');
    expect(gs1ElementString({ gtin: data.gtin })).toBe('(01)00312345678906');
  });

  it('parses what it writes', () => {
    expect(parseGs1(gs1ElementString(data))).toEqual({ '01': data.gtin, '17': '270131', '10': 'LOT123', '21': 'SER9' });
    expect(dateFromGs1('270131')).toEqual(data.expiry);
    expect(gs1Date(data.expiry)).toBe('270131');
  });

  it('round-trips the scanner form with GS separators and a symbology identifier', () => {
    const scanned = gs1ScannedString(data);
    expect(scanned).toBe(`010031234567890617270131${'10'}LOT123${groupSeparator}21SER9`);
    expect(parseGs1(scanned)).toEqual(parseGs1(gs1ElementString(data)));
    expect(parseGs1(`]d2${scanned}`)).toEqual(parseGs1(gs1ElementString(data)));
    // Lot last: no separator needed after it.
    expect(parseGs1(`010031234567890617270131${'10'}ABC`)).toEqual({ '01': data.gtin, '17': '270131', '10': 'ABC' });
  });

  it('reads GS1 day 00 as the last day of the month', () => {
    expect(dateFromGs1('280200')).toEqual(new Date(Date.UTC(2028, 1, 29)));
  });

  it('rejects malformed input', () => {
    expect(() => parseGs1('(01)123')).toThrow();
    expect(() => parseGs1('hello')).toThrow();
    expect(() => parseGs1('(01)00312345678906junk')).toThrow();
    expect(() => parseGs1('junk(01)00312345678906')).toThrow();
    expect(() => gs1ElementString({ gtin: '123' })).toThrow();
  });
});
