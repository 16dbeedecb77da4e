import { randomBytes } from 'node:crypto';

const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';

/**
 * A new identifier: `prefix` and 16 random base-36 characters. Ids stay within
 * `[a-z0-9_]`, so they fit every provider's custom_id rule when embedded in one.
 */
export function newId(prefix: string, length = 16): string {
  const bytes = randomBytes(length);
  let id = prefix;
  for (const byte of bytes) id += alphabet[byte % alphabet.length];
  return id;
}
