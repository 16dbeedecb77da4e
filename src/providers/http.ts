import { SpendwallError } from '../core/errors.js';
import { Deadline } from './internal/deadline.js';
import type { ProviderSettings } from './provider.js';

/**
 * HTTP for every adapter: one place that knows when a retry can help and how long to wait,
 * following the rules the official SDKs apply (`x-should-retry`, `retry-after-ms`,
 * `retry-after`, exponential backoff from 0.5 s to 8 s with jitter, 10 minutes per attempt).
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
   * prove the request was refused unprocessed (408, 429, 503). After another server error, a lost
   * connection or a timeout the thing may exist, and a blind retry could create it twice.
   */
  idempotent?: boolean;
  /**
   * Statuses that answer the caller's question, so they are thrown at once (as the usual
   * ProviderError) and never retried here. A cancel refused with 409 says the batch has ended;
   * waiting out retries would not change that. The error keeps its `isRetryable`, for the caller.
   */
  finalStatuses?: readonly number[];
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

/** How long one attempt may wait on the provider: the official SDKs' 10 minutes. */
export const defaultTimeoutMs = 600_000;

/** Reads the provider's error body into a message and code; both providers nest it under `error`. */
export type ErrorReader = (body: unknown) => { message: string; code: string | null };

/**
 * Sends a request, retrying what a retry can fix, and returns the successful response. A
 * response the caller must judge (4xx that is not retryable, 5xx after the last retry) throws a
 * ProviderError naming the route, the status and the provider's own message.
 *
 * Each attempt gets `settings.timeoutMs` (internal/deadline.ts) for the headers, counted from
 * the last chunk of a streamed upload; an attempt that times out is handled like a lost
 * connection. The answer's body is left to stream however long it takes, but errors with a
 * `timeout` ProviderError when no byte arrives for `timeoutMs` while the reader waits for one.
 */
export function send(
  settings: ProviderSettings,
  request: HttpRequest,
  readError: ErrorReader,
  policy?: RetryPolicy,
): Promise<Response> {
  return exchange(settings, request, readError, policy, async (response, deadline, place) => {
    if (!response.body) {
      deadline.stop();
      return response;
    }
    const silence = `the provider sent nothing for ${deadline.timeoutMs / 1000} s in the middle of its answer`;
    const body = deadline.download(response.body, (cause) => timedOut(silence, place, cause, response));
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  });
}

/** Sends and parses a JSON answer, which must arrive whole within the attempt's timeout. */
export async function sendJson<Body>(
  settings: ProviderSettings,
  request: HttpRequest,
  readError: ErrorReader,
  policy?: RetryPolicy,
): Promise<Body> {
  const { response, text, place } = await exchange(
    settings,
    request,
    readError,
    policy,
    async (response, deadline, place) => {
      const text = await response.text();
      deadline.stop();
      return { response, text, place };
    },
  );
  try {
    return JSON.parse(text) as Body;
  } catch (error) {
    throw new ProviderError(`the provider answered with a body that is not JSON: ${text.slice(0, 200)}`, {
      status: response.status,
      isRetryable: true,
      place,
      cause: error,
    });
  }
}

/**
 * The retry loop. `accept` takes a successful response under its attempt's deadline; if it
 * fails (the body broke off or timed out) the attempt is handled like a lost connection.
 */
async function exchange<Result>(
  settings: ProviderSettings,
  request: HttpRequest,
  readError: ErrorReader,
  policy: RetryPolicy = settings.retryPolicy ?? defaultRetryPolicy,
  accept: (response: Response, deadline: Deadline, place: string) => Promise<Result>,
): Promise<Result> {
  const fetchImplementation = settings.fetch ?? fetch;
  const url = settings.baseURL.replace(/\/+$/, '') + request.path;
  const place = `${request.method} ${url}`;
  const maxRetries = settings.maxRetries ?? policy.maxRetries;
  const idempotent = request.idempotent !== false;
  const timeoutMs = settings.timeoutMs ?? defaultTimeoutMs;
  for (let attempt = 0; ; attempt++) {
    // Built outside the try: a body that cannot be built again is not a connection error.
    const body = request.body?.() ?? null;
    const deadline = new Deadline(timeoutMs, request.signal);
    let response: Response | undefined;
    try {
      response = await fetchImplementation(url, {
        method: request.method,
        headers: { ...settings.headers, ...request.headers },
        body: deadline.upload(body),
        signal: deadline.signal,
        // Streamed upload bodies need half-duplex on Node's fetch.
        ...(request.body ? { duplex: 'half' } : {}),
      } as RequestInit);
      if (response.ok) return await accept(response, deadline, place);
    } catch (error) {
      deadline.stop();
      // The caller's own abort is theirs to handle: neither retried nor dressed up as a timeout.
      if (request.signal?.aborted) throw error;
      if (idempotent && attempt < maxRetries) {
        await policy.sleep(backoff(attempt, policy));
        continue;
      }
      const outcome = idempotent ? '' : ' (the request may or may not have been carried out)';
      if (deadline.expired) {
        const what = response
          ? 'the answer did not arrive whole within'
          : 'no answer from the provider within';
        throw timedOut(`${what} ${timeoutMs / 1000} s${outcome}`, place, error, response);
      }
      const what = response ? 'the answer broke off' : 'could not reach the provider';
      throw new ProviderError(`${what}: ${describeCause(error)}${outcome}`, {
        status: null,
        isRetryable: true,
        place,
        cause: error,
      });
    }

    // An error answer is read under the same deadline; one cut short leaves its message empty.
    const retryable = shouldRetry(response);
    const final = request.finalStatuses?.includes(response.status) ?? false;
    const retryHere = !final && retryable && (idempotent || refusedUnprocessed.has(response.status));
    if (retryHere && attempt < maxRetries) {
      await response.arrayBuffer().catch(() => undefined);
      deadline.stop();
      await policy.sleep(retryDelay(response, attempt, policy));
      continue;
    }
    const text = await response.text().catch(() => '');
    deadline.stop();
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
      requestId: requestIdOf(response),
      isRetryable: retryable,
      place,
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

/** A timed-out attempt: retryable, like a lost connection. */
function timedOut(message: string, place: string, cause: unknown, response?: Response): ProviderError {
  return new ProviderError(message, {
    status: null,
    providerCode: 'timeout',
    requestId: response ? requestIdOf(response) : null,
    isRetryable: true,
    place,
    cause,
  });
}

function requestIdOf(response: Response): string | null {
  return response.headers.get('x-request-id') ?? response.headers.get('request-id');
}

function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
}
