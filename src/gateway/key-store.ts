import { hash, randomBytes } from 'node:crypto';
import { SpendwallError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import type { SqlDriver } from '../store/sql.js';

/**
 * Gateway keys, one or more per team. Only the SHA-256 of a key is stored: a stolen database
 * gives no usable key, and `keys create` is the one moment the key itself is shown.
 */
export interface GatewayKeyRecord {
  id: string;
  team: string;
  /** `sw-…` and the last 4 characters, enough to tell keys apart in a list. */
  hint: string;
  createdAt: number;
  revokedAt: number | null;
}

const keyAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const teamPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** SHA-256 in hex: what the store keeps of a key. One-shot `crypto.hash` costs about 0.25 µs. */
export function hashKey(key: string): string {
  return hash('sha256', key, 'hex');
}

/** `sw-` and 40 base-62 characters (about 238 bits). */
export function generateKey(): string {
  let key = 'sw-';
  for (const byte of randomBytes(40)) key += keyAlphabet[byte % keyAlphabet.length];
  return key;
}

export async function createKey(
  driver: SqlDriver,
  team: string,
  now = Date.now(),
): Promise<{ key: string; record: GatewayKeyRecord }> {
  if (!teamPattern.test(team)) {
    throw new SpendwallError(`expected a team name of letters, digits, '.', '_' or '-', got '${team}'`, {
      code: 'invalid_team',
      place: '--team',
    });
  }
  const key = generateKey();
  const record: GatewayKeyRecord = {
    id: newId('key_', 12),
    team,
    hint: `sw-…${key.slice(-4)}`,
    createdAt: now,
    revokedAt: null,
  };
  await driver.run(
    'INSERT INTO gateway_keys (id, team, key_hash, key_hint, created_at, revoked_at) VALUES (?, ?, ?, ?, ?, NULL)',
    [record.id, team, hashKey(key), record.hint, now],
  );
  return { key, record };
}

interface KeyRow {
  id: string;
  team: string;
  key_hint: string;
  created_at: number | string;
  revoked_at: number | string | null;
}

export async function listKeys(driver: SqlDriver, team?: string): Promise<GatewayKeyRecord[]> {
  const rows = await driver.all<KeyRow>(
    `SELECT id, team, key_hint, created_at, revoked_at FROM gateway_keys${team ? ' WHERE team = ?' : ''} ORDER BY created_at, id`,
    team ? [team] : [],
  );
  return rows.map((row) => ({
    id: row.id,
    team: row.team,
    hint: row.key_hint,
    createdAt: Number(row.created_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  }));
}

/** Revokes by id; resolves false when no active key has that id. */
export async function revokeKey(driver: SqlDriver, id: string, now = Date.now()): Promise<boolean> {
  const changed = await driver.run(
    'UPDATE gateway_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
    [now, id],
  );
  return changed > 0;
}

/**
 * Active keys by hash, for the gateway's in-memory lookup, and whether any key was ever made
 * (revoking every key must not turn the gateway back into an open one).
 */
export async function activeKeyHashes(
  driver: SqlDriver,
): Promise<{ active: Map<string, { id: string; team: string }>; everCreated: boolean }> {
  const rows = await driver.all<{ id: string; team: string; key_hash: string; revoked_at: number | null }>(
    'SELECT id, team, key_hash, revoked_at FROM gateway_keys',
  );
  const active = new Map<string, { id: string; team: string }>();
  for (const row of rows)
    if (row.revoked_at === null) active.set(row.key_hash, { id: row.id, team: row.team });
  return { active, everCreated: rows.length > 0 };
}
