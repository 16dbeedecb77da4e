import { lookup as dnsLookup } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';
import { SpendwallError } from '../../core/errors.js';
import { isPublicAddress } from './webhook-target.js';

/** A webhook target the gateway will not connect to: it is not a public address. */
export class WebhookTargetError extends SpendwallError {
  constructor(
    host: string,
    /** Why, without the host: `it resolves to 127.0.0.1, which is not a public address`. */
    readonly reason: string,
  ) {
    // Not retryable: the same address is refused again (the delivery still retries on schedule,
    // in case the name comes to resolve elsewhere).
    super(reason, { code: 'webhook_target_not_allowed', place: host });
    this.name = 'WebhookTargetError';
  }
}

/** The HTTP client webhooks are delivered with, and how to let go of its connections. */
export interface WebhookClient {
  fetch: typeof fetch;
  close(): Promise<void>;
}

/**
 * A client that connects only to public addresses. The check runs when the connection is made,
 * on the very addresses it will use: a name that resolved to a public address when the request
 * was accepted and resolves to 127.0.0.1 now (DNS rebinding) is refused too. Names go through
 * the socket's `lookup`; IP literals, which the socket does not look up, are checked before it.
 */
export function guardedWebhookClient(lookup: LookupFunction = dnsLookup): WebhookClient {
  const connect = buildConnector({ lookup: publicOnlyLookup(lookup) });
  const agent = new Agent({
    connect(options, callback) {
      if (isIP(options.hostname) !== 0 && !isPublicAddress(options.hostname)) {
        callback(new WebhookTargetError(options.hostname, 'it is not a public address'), null);
        return;
      }
      connect(options, callback);
    },
  });
  // undici's fetch is the global one's implementation; only its Request/Response types differ.
  const guarded = ((input: string | URL, init?: RequestInit) =>
    undiciFetch(input, { ...(init as object), dispatcher: agent })) as unknown as typeof fetch;
  return { fetch: guarded, close: () => agent.close() };
}

/**
 * Wraps `lookup` so that a name resolving to any address that is not public fails the
 * connection. Node asks with `all: true` (a list of `{ address, family }`, for Happy Eyeballs)
 * or without (one `address, family`); both are answered.
 */
export function publicOnlyLookup(lookup: LookupFunction): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, options, (error, address, family) => {
      if (error) {
        callback(error, address, family);
        return;
      }
      const addresses = Array.isArray(address) ? address.map((entry) => entry.address) : [address];
      const refused = addresses.find((candidate) => !isPublicAddress(candidate));
      if (refused === undefined) {
        callback(null, address, family);
        return;
      }
      callback(
        new WebhookTargetError(hostname, `it resolves to ${refused}, which is not a public address`),
        '',
      );
    });
  };
}

/** The `WebhookTargetError` behind a failed fetch (undici wraps it: `fetch failed`, cause…). */
export function targetRefusal(error: unknown): WebhookTargetError | undefined {
  for (let current = error; current instanceof Error; current = current.cause) {
    if (current instanceof WebhookTargetError) return current;
  }
  return undefined;
}
