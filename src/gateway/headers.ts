import type { IncomingHttpHeaders } from 'node:http';

/**
 * Every header name the gateway reads or writes, in one place (lower case, as node:http gives
 * them), so that docs, tests and the hot path cannot drift apart.
 */
const prefix = 'x-spendwall';

export const spendwallHeaders = {
  /** Request: the workload label. */
  workload: `${prefix}-workload`,
  /** Request: a JSON object of strings, merged over the body's `metadata`. */
  metadata: `${prefix}-metadata`,
  /** Request: comma-separated tags. */
  tags: `${prefix}-tags`,
  /** Request (with `Prefer: respond-async`): where to POST the signed completion webhook. */
  webhookUrl: `${prefix}-webhook-url`,
  /** Answer: the lane the request actually ran in (`realtime`, `flex`, `batch`). */
  lane: `${prefix}-lane`,
  /** Answer: what the request cost in USD (a header, or a trailer on streamed answers). */
  costUsd: `${prefix}-cost-usd`,
  /** Answer: the workload the request was counted under. */
  workloadApplied: `${prefix}-workload-applied`,
  /** Answer: the request id the provider gave, when it gave one. */
  upstreamRequestId: `${prefix}-upstream-request-id`,
} as const;

export const standardHeaders = {
  requestId: 'x-request-id',
  authorization: 'authorization',
  apiKey: 'x-api-key',
  anthropicVersion: 'anthropic-version',
  prefer: 'prefer',
  preferenceApplied: 'preference-applied',
  location: 'location',
  retryAfter: 'retry-after',
  retryAfterMs: 'retry-after-ms',
  contentType: 'content-type',
  contentLength: 'content-length',
  trailer: 'trailer',
} as const;

/** Request headers passed on to the provider; anything else (the gateway key above all) stays here. */
export const forwardedRequestHeaders: readonly string[] = [
  'accept',
  'anthropic-version',
  'anthropic-beta',
  'openai-beta',
  'openai-organization',
  'openai-project',
  'idempotency-key',
];

/**
 * The headers of a call to the provider: the client's headers worth passing on, and a JSON
 * content type when the call has a body. The provider key is added where the call is sent.
 */
export function upstreamHeaders(headers: IncomingHttpHeaders, hasBody: boolean): Record<string, string> {
  const upstream: Record<string, string> = hasBody ? { 'content-type': 'application/json' } : {};
  for (const name of forwardedRequestHeaders) {
    const value = headers[name];
    if (typeof value === 'string') upstream[name] = value;
  }
  return upstream;
}

/** Provider answer headers passed back to the client: rate-limit state and retry hints. */
export function isForwardedResponseHeader(name: string): boolean {
  return (
    name === 'content-type' ||
    name === 'retry-after' ||
    name === 'retry-after-ms' ||
    name === 'x-should-retry' ||
    name === 'openai-processing-ms' ||
    name === 'openai-version' ||
    name.startsWith('x-ratelimit-') ||
    name.startsWith('anthropic-ratelimit-')
  );
}
