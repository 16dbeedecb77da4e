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
      // Hashed on every request (one-shot SHA-256, ~0.25 µs): presented keys are never kept in
      // memory as they are, valid or not.
      const hash = hashKey(key);
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
