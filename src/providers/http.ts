import { SpendwallError } from '../core/errors.js';
import type { ProviderSettings } from './provider.js';

/**
 * HTTP for every adapter: one place that knows when a retry can help and how long to wait,
 * following the rules the official SDKs apply (`x-should-retry`, `retry-after-ms`,
 * `retry-after`, exponential backoff from 0.5 s to 8 s with jitter).
 */

export class ProviderError extends SpendwallError {
  readonly status: number | null;
  readonly providerCode: string | null;
  readonly requestId: string | null;

  constructor(
    message: string,
    options: {
      status: number | null;
      providerCode?: string | null;
      requestId?: string | null;
      isRetryable: boolean;
      place: string;
      cause?: unknown;
    },
  ) {
    super(message, {
      code: options.providerCode ?? (options.status ? `http_${options.status}` : 'connection_error'),
      place: options.place,
      isRetryable: options.isRetryable,
      cause: options.cause,
    });
    this.name = 'ProviderError';
    this.status = options.status;
    this.providerCode = options.providerCode ?? null;
    this.requestId = options.requestId ?? null;
  }
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  /**
   * A function, so that a retry can build the body (a stream, say) again. It may throw (a
   * ProviderError, say) when the body cannot be built again; the error is passed on as it is.
   */
  body?: () => RequestInit['body'];
  signal?: AbortSignal;
  /**
   * False for calls that create something once (a batch): they are retried only on answers that
   * prove the request was refused unprocessed (408, 429, 503). After another server error or a
   * lost connection the thing may exist, and a blind retry could create it twice.
   */
  idempotent?: boolean;
}

export interface RetryPolicy {
  maxRetries: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** Sleeps between attempts; tests can make it instant. */
  sleep: (milliseconds: number) => Promise<void>;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxRetries: 4,
  initialDelayMs: 500,
  maxDelayMs: 8000,
  sleep: (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds)),
};

/** Reads the provider's error body into a message and code; both providers nest it under `error`. */
export type ErrorReader = (body: unknown) => { message: string; code: string | null };

/**
 * Sends a request, retrying what a retry can fix, and returns the successful response. A
 * response the caller must judge (4xx that is not retryable, 5xx after the last retry) throws a
 * ProviderError naming the route, the status and the provider's own message.
 */
export async function send(
  settings: ProviderSettings,
  request: HttpRequest,
  readError: ErrorReader,
  policy: RetryPolicy = settings.retryPolicy ?? defaultRetryPolicy,
): Promise<Response> {
  const fetchImplementation = settings.fetch ?? fetch;
  const url = settings.baseURL.replace(/\/+$/, '') + request.path;
  const place = `${request.method} ${url}`;
  const maxRetries = settings.maxRetries ?? policy.maxRetries;
  const idempotent = request.idempotent !== false;
  for (let attempt = 0; ; attempt++) {
    // Built outside the try: a body that cannot be built again is not a connection error.
    const body = request.body?.() ?? null;
    let response: Response;
    try {
      response = await fetchImplementation(url, {
        method: request.method,
        headers: { ...settings.headers, ...request.headers },
        body,
        signal: request.signal,
        // Streamed upload bodies need half-duplex on Node's fetch.
        ...(request.body ? { duplex: 'half' } : {}),
      } as RequestInit);
    } catch (error) {
      if (request.signal?.aborted) throw error;
      if (idempotent && attempt < maxRetries) {
        await policy.sleep(backoff(attempt, policy));
        continue;
      }
      const outcome = idempotent ? '' : ' (the request may or may not have been carried out)';
      throw new ProviderError(`could not reach the provider: ${describeCause(error)}${outcome}`, {
        status: null,
        isRetryable: true,
        place,
        cause: error,
      });
    }
    if (response.ok) return response;

    const retryable = shouldRetry(response);
    const retryHere = retryable && (idempotent || refusedUnprocessed.has(response.status));
    if (retryHere && attempt < maxRetries) {
      await response.arrayBuffer().catch(() => undefined);
      await policy.sleep(retryDelay(response, attempt, policy));
      continue;
    }
    const text = await response.text().catch(() => '');
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
    const { message, code } = parsed
      ? readError(parsed)
      : { message: text.slice(0, 500) || response.statusText, code: null };
    throw new ProviderError(`${response.status} ${message}`, {
      status: response.status,
      providerCode: code,
      requestId: response.headers.get('x-request-id') ?? response.headers.get('request-id'),
      isRetryable: retryable,
      place,
    });
  }
}

/** Sends and parses a JSON answer. */
export async function sendJson<Body>(
  settings: ProviderSettings,
  request: HttpRequest,
  readError: ErrorReader,
  policy?: RetryPolicy,
): Promise<Body> {
  const response = await send(settings, request, readError, policy);
  const text = await response.text();
  try {
    return JSON.parse(text) as Body;
  } catch (error) {
    throw new ProviderError(`the provider answered with a body that is not JSON: ${text.slice(0, 200)}`, {
      status: response.status,
      isRetryable: true,
      place: `${request.method} ${request.path}`,
      cause: error,
    });
  }
}

/** Answers that say the server did nothing with the request, so even a create can be sent again. */
const refusedUnprocessed: ReadonlySet<number> = new Set([408, 429, 503]);

function shouldRetry(response: Response): boolean {
  const header = response.headers.get('x-should-retry');
  if (header === 'true') return true;
  if (header === 'false') return false;
  return (
    response.status === 408 || response.status === 409 || response.status === 429 || response.status >= 500
  );
}

/** The wait a response asks for (`retry-after-ms`, then `retry-after` in seconds or as a date), else backoff. */
export function retryDelay(response: Response, attempt: number, policy: RetryPolicy): number {
  const milliseconds = Number(response.headers.get('retry-after-ms'));
  if (response.headers.has('retry-after-ms') && Number.isFinite(milliseconds) && milliseconds >= 0) {
    return Math.min(milliseconds, 60_000);
  }
  const retryAfter = response.headers.get('retry-after');
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, 60_000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.min(Math.max(0, date - Date.now()), 60_000);
  }
  return backoff(attempt, policy);
}

function backoff(attempt: number, policy: RetryPolicy): number {
  const delay = Math.min(policy.initialDelayMs * 2 ** attempt, policy.maxDelayMs);
  return delay * (1 - Math.random() * 0.25);
}

function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
}
