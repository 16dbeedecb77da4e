import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { SqlDriver } from '../store/sql.js';
import { GatewayError } from './errors.js';
import { standardHeaders } from './headers.js';
import { activeKeyHashes, hashKey } from './key-store.js';
import type { Caller } from './types.js';

/**
 * Who may call. Keys arrive as `Authorization: Bearer` (OpenAI SDKs) or `x-api-key` (Anthropic
 * SDKs). The active keys' hashes are held in memory (keys are few) and reloaded every
 * `refreshMs`, and at most once a second on an unknown key, so a key created or revoked with the
 * CLI takes effect without a restart.
 *
 * With no gateway key ever created and no admin key set, the gateway is *open*: every caller is
 * treated as the admin. The server only allows that on a loopback address (see `serve`).
 */
export interface Access {
  /**
   * The caller, at once when its key is known (the common case: no promise to wait on), or a
   * promise when an unknown key makes the keys reload first. A missing or invalid key throws
   * (or rejects) a 401 GatewayError.
   */
  authenticate(headers: IncomingHttpHeaders): Caller | Promise<Caller>;
  /** True while no key was ever created and no admin key is set. */
  readonly open: boolean;
  refresh(): Promise<void>;
  close(): void;
}

export interface AccessOptions {
  driver: SqlDriver;
  /** `SPENDWALL_ADMIN_KEY`: sees every team's records. */
  adminKey?: string | undefined;
  refreshMs?: number;
}

export const openCaller: Caller = Object.freeze({ team: undefined, admin: true, keyId: 'open' });
const adminCaller: Caller = Object.freeze({ team: undefined, admin: true, keyId: 'admin' });

export async function createAccess(options: AccessOptions): Promise<Access> {
  const adminHash = options.adminKey ? Buffer.from(hashKey(options.adminKey), 'hex') : undefined;
  let callers = new Map<string, Caller>();
  let open = false;
  let lastRefresh = 0;
  const refresh = async () => {
    lastRefresh = Date.now();
    const keys = await activeKeyHashes(options.driver);
    callers = new Map(
      [...keys.active].map(([hash, key]) => [hash, { team: key.team, admin: false, keyId: key.id }]),
    );
    open = !adminHash && !keys.everCreated;
  };
  // SHA-256 per request was ~2% of an accepted async request's CPU; a client sends the same key
  // again and again, so its hash is remembered (bounded; memory only, like the provider keys the
  // process holds anyway). Revocation still works: the hash is looked up among active keys each time.
  let hashes = new Map<string, string>();
  const hashOf = (key: string): string => {
    let hash = hashes.get(key);
    if (hash === undefined) {
      hash = hashKey(key);
      if (hashes.size >= 1024) hashes = new Map();
      hashes.set(key, hash);
    }
    return hash;
  };
  await refresh();
  const timer = setInterval(() => void refresh().catch(() => undefined), options.refreshMs ?? 10_000);
  timer.unref();

  return {
    get open() {
      return open;
    },
    refresh,
    close: () => clearInterval(timer),
    authenticate(headers) {
      if (open) return openCaller;
      const key = presentedKey(headers);
      if (!key) {
        throw unauthorized(
          'no gateway key: send it as Authorization: Bearer sw-… (OpenAI SDKs) or x-api-key (Anthropic SDKs)',
        );
      }
      const hash = hashOf(key);
      if (adminHash && timingSafeEqual(Buffer.from(hash, 'hex'), adminHash)) return adminCaller;
      const caller = callers.get(hash);
      if (caller) return caller;
      if (Date.now() - lastRefresh > 1000) {
        return refresh().then(() => {
          const found = callers.get(hash);
          if (!found) throw unauthorized('the gateway key is not valid (unknown or revoked)');
          return found;
        });
      }
      throw unauthorized('the gateway key is not valid (unknown or revoked)');
    },
  };
}

function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers[standardHeaders.authorization];
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match) return match[1];
  }
  const apiKey = headers[standardHeaders.apiKey];
  return typeof apiKey === 'string' && apiKey !== '' ? apiKey : undefined;
}

function unauthorized(message: string): GatewayError {
  return new GatewayError(401, message, {
    type: 'invalid_request_error',
    code: 'invalid_api_key',
    param: 'authorization',
  });
}
