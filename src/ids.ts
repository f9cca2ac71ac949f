import { randomFillSync } from 'node:crypto';

/** Every entity's id starts with its prefix, so an id alone says which type it names (and `node(id)` needs no lookup table). */
export const idPrefixes = {
  Organization: 'org',
  App: 'app',
  AppVersion: 'apv',
  Installation: 'ins',
  InstallationEvent: 'iev',
  ApiKey: 'key',
  Facility: 'fac',
  Provider: 'prv',
  Patient: 'pat',
  Appointment: 'apt',
  Bill: 'bil',
  CodingGroup: 'cdg',
  Diagnosis: 'dgn',
  LineItem: 'lin',
  LineItemModifier: 'mod',
  Claim: 'clm',
  ClaimInsurance: 'cin',
  Product: 'prd',
  InventoryChange: 'chg',
  InventoryChangeItem: 'itm',
  StockLevel: 'stk',
  PhiAccess: 'phi',
  ClinicAdmin: 'adm',
  AdminSession: 'ses',
  AdminPasswordLink: 'pwl',
  WebhookSubscription: 'whk',
  WebhookDelivery: 'evt',
  WebhookAttempt: 'wat',
} as const;

export type IdentifiedType = keyof typeof idPrefixes;

const typeOfPrefix = new Map<string, IdentifiedType>(
  Object.entries(idPrefixes).map(([type, prefix]) => [prefix, type as IdentifiedType]),
);

const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';
const bodyLength = 20;
const idPattern = /^([a-z]{3})_([0-9a-z]{20})$/;

/**
 * Random bytes drawn a block at a time, as Node draws them for randomUUID: one draw (about 1.5 µs,
 * whatever its size) per 256 ids instead of one per id. Each id's bytes are read as soon as they are taken.
 */
const pool = Buffer.alloc(bodyLength * 256);
let poolOffset = pool.length;
function pooledBytes(): Uint8Array {
  if (poolOffset + bodyLength > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  poolOffset += bodyLength;
  return pool.subarray(poolOffset - bodyLength, poolOffset);
}

/** Random id body: 20 characters of Crockford-style base32, 100 bits. */
function randomIdBody(bytes: Uint8Array = pooledBytes()): string {
  let body = '';
  for (let i = 0; i < bodyLength; i++) body += alphabet[(bytes[i] ?? 0) & 31];
  return body;
}

export function newId(type: IdentifiedType, bytes?: Uint8Array): string {
  return `${idPrefixes[type]}_${randomIdBody(bytes)}`;
}

/** The type an id names, or null when it is not one of ours. */
export function typeOfId(id: string): IdentifiedType | null {
  const match = idPattern.exec(id);
  return match ? (typeOfPrefix.get(match[1]!) ?? null) : null;
}
