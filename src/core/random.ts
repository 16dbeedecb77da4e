import { createHash } from 'node:crypto';

/**
 * Seeded, reproducible randomness. The emulator's outputs and faults must be the same on every
 * run with the same seed and the same inputs, so nothing here touches Math.random.
 */

/** A 32-bit FNV-1a hash of a string: cheap, stable across runs and platforms. */
export function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A generator of floats in [0, 1) from a 32-bit state (mulberry32). */
export type RandomSource = () => number;

export function seededRandom(seed: number | string): RandomSource {
  let state = typeof seed === 'number' ? seed >>> 0 : hash32(seed);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** One reproducible draw in [0, 1) for a key: the same key always gives the same number. */
export function drawFor(key: string): number {
  return seededRandom(hash32(key))();
}

/** A Fisher–Yates shuffle of a copy, driven by a seeded source. */
export function shuffled<T>(items: readonly T[], random: RandomSource): T[] {
  const copy = items.slice();
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    const held = copy[index] as T;
    copy[index] = copy[other] as T;
    copy[other] = held;
  }
  return copy;
}

/** A stable digest of any JSON-serializable value, for deterministic outputs derived from inputs. */
export function digest(value: unknown): Buffer {
  return createHash('sha256')
    .update(typeof value === 'string' ? value : JSON.stringify(value))
    .digest();
}

const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A random identifier body of `length` base-62 characters from a seeded source. */
export function randomToken(random: RandomSource, length: number): string {
  let token = '';
  for (let index = 0; index < length; index++) token += alphabet[Math.floor(random() * alphabet.length)];
  return token;
}
