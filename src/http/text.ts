import { badUserInput } from '../errors.js';

/**
 * PostgreSQL text cannot hold NUL, and cannot hold a UTF-16 surrogate without its pair: the driver's
 * UTF-8 encoding would turn it into U+FFFD, so the database would search for something else than what
 * was asked. (With the `u` flag a proper pair is one code point and does not match.)
 */
const unstorable = /\u0000|[\uD800-\uDFFF]/u;

/** Refuses text a clinic database cannot hold faithfully, naming the argument and where the character is. */
export function checkStorableText(value: string, argument: string, fieldName: string): void {
  const found = unstorable.exec(value);
  if (!found) return;
  const code = found[0].charCodeAt(0);
  const what = code === 0 ? 'a NUL character (\\u0000)' : `an unpaired UTF-16 surrogate (\\u${code.toString(16)})`;
  throw badUserInput(`"${argument}" of ${fieldName} contains ${what} at position ${found.index}, which text cannot hold. Remove it.`, {
    argument,
  });
}
