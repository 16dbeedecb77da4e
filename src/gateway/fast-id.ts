import { randomFillSync } from 'node:crypto';

const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';
const pool = Buffer.alloc(4096);
let offset = pool.length;

/**
 * `newId` for the hot path: same shape (`prefix` + 16 base-36 characters), drawn from a pooled
 * block of random bytes. Two ids per request made `randomBytes` calls a visible share of the
 * gateway's CPU; one 4 KB fill serves 256 ids.
 */
export function fastId(prefix: string, length = 16): string {
  if (offset + length > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  let id = prefix;
  for (let index = 0; index < length; index++) id += alphabet[pool[offset + index]! % alphabet.length];
  offset += length;
  return id;
}

let lastMillisecond = 0;
let sequence = 0;

/**
 * An id that sorts by creation time (`prefix`, 9 base-36 characters of epoch ms, 4 of a
 * per-millisecond sequence, 6 random): ledger rows are appended at the end of the primary-key
 * index instead of landing at random pages of it.
 */
export function timeOrderedId(prefix: string): string {
  const now = Date.now();
  if (now !== lastMillisecond) {
    lastMillisecond = now;
    sequence = 0;
  }
  sequence++;
  return `${prefix}${now.toString(36).padStart(9, '0')}${sequence.toString(36).padStart(4, '0')}${fastId('', 6)}`;
}
