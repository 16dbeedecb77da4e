import type { RequestOutcome } from '../provider.js';

/**
 * How an HTTP status decides a request's fate, the same for real-time answers and batch lines:
 * rate limits, timeouts and server errors can pass on another try; any other 4xx says the request
 * itself is wrong. 408 and 409 count as retryable, as `send` and the official SDKs treat them.
 */
export function outcomeForStatus(status: number): Exclude<RequestOutcome, 'expired' | 'cancelled'> {
  if (status >= 200 && status < 300) return 'succeeded';
  if (status === 408 || status === 409 || status === 429 || status >= 500) return 'failed_retryable';
  return 'failed_invalid';
}
