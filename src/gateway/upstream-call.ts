import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { GatewayError } from './errors.js';
import type { TrafficClass, Upstream } from './upstreams.js';

/** How the gateway retries for its caller, following the rules the official SDKs apply. */
export interface RetrySettings {
  maxRetries: number;
  initialDelayMs: number;
  /**
   * The longest wait the gateway takes on the caller's behalf. A provider asking for longer gets
   * its 429/503 passed to the client, whose SDK can decide (a person may not want to wait).
   */
  maxDelayMs: number;
  sleep: (milliseconds: number) => Promise<void>;
}

export const defaultRetrySettings: RetrySettings = {
  maxRetries: 2,
  initialDelayMs: 500,
  maxDelayMs: 8_000,
  sleep: (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds)),
};

export interface UpstreamRequest {
  upstream: Upstream;
  trafficClass: TrafficClass;
  method: 'GET' | 'POST';
  /** Path under the provider's base URL: `/chat/completions` (OpenAI), `/v1/messages` (Anthropic). */
  path: string;
  headers: Record<string, string>;
  body: Buffer | null;
  /** Fails with UND_ERR_HEADERS_TIMEOUT when the provider has not answered by then (flex). */
  headersTimeoutMs?: number;
  signal?: AbortSignal;
  /**
   * The answer is wanted whole (it is not streamed to the client): it is gathered into one Buffer
   * as it arrives, without a stream in between.
   */
  whole?: boolean;
}

/** An answer's body: a stream to pass on, or, for a request sent `whole`, the bytes. */
export type AnswerBody = Dispatcher.ResponseData['body'] | Buffer;

export interface SentAnswer {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: AnswerBody;
}

export interface UpstreamAnswer extends SentAnswer {
  /** Attempts beyond the first. */
  retries: number;
}

export function sendOnce(request: UpstreamRequest): Promise<SentAnswer> {
  // Built field by field, no spreads: this runs for every proxied request.
  const headers: Record<string, string> = {};
  for (const name in request.headers) headers[name] = request.headers[name]!;
  const auth = request.upstream.authHeaders;
  for (const name in auth) headers[name] = auth[name]!;
  const options: Dispatcher.RequestOptions = {
    method: request.method,
    path: request.upstream.pathPrefix + request.path,
    headers,
    body: request.body,
  };
  if (request.headersTimeoutMs !== undefined) options.headersTimeout = Math.max(1, request.headersTimeoutMs);
  const pool = request.upstream.pool(request.trafficClass);
  if (request.whole) return sendWhole(pool, options, request.signal);
  if (request.signal) options.signal = request.signal;
  return pool.request(options);
}

/**
 * Sends through `dispatch` and gathers the body: no response stream, no promise or event per
 * chunk, where `request()` builds a Readable the gateway only drains. On a 2-core VM this took
 * ~40 µs off a bare Node proxy's added latency and ~10 µs off the gateway's (side-by-side runs
 * at one connection; see docs/gateway.md, Performance).
 */
function sendWhole(
  pool: Dispatcher,
  options: Dispatcher.RequestOptions,
  signal: AbortSignal | undefined,
): Promise<SentAnswer> {
  return new Promise((resolve, reject) => {
    let statusCode = 0;
    let headers: IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    let size = 0;
    let stopListening: (() => void) | undefined;
    pool.dispatch(options, {
      onRequestStart(controller) {
        if (!signal) return;
        if (signal.aborted) return controller.abort(signal.reason);
        const abort = () => controller.abort(signal.reason);
        signal.addEventListener('abort', abort, { once: true });
        stopListening = () => signal.removeEventListener('abort', abort);
      },
      onResponseStart(_controller, status, responseHeaders) {
        statusCode = status;
        headers = responseHeaders;
      },
      onResponseData(_controller, chunk) {
        chunks.push(chunk);
        size += chunk.length;
      },
      onResponseEnd() {
        stopListening?.();
        resolve({
          statusCode,
          headers,
          body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size),
        });
      },
      onResponseError(_controller, error) {
        stopListening?.();
        reject(error);
      },
    });
  });
}

/** Drops an answer not passed on (a retried or refused one), freeing its connection. */
export async function discard(body: AnswerBody): Promise<void> {
  if (!Buffer.isBuffer(body)) await body.dump();
}

/**
 * Sends, retrying what a retry can fix (connection failures, 408/409/429/5xx unless the provider
 * says `x-should-retry: false`) with the waits the provider asks for, within `settings`.
 * Resolves with the last answer, successful or not: the caller passes the provider's error on.
 */
export function sendWithRetries(
  request: UpstreamRequest,
  settings: RetrySettings,
  onRetry?: () => void,
): Promise<UpstreamAnswer> {
  // The first answer that needs no retry, nearly every one, is passed on without the retry
  // loop's async frame: a proxied request's latency is mostly such small steps.
  return sendOnce(request).then(
    (answer) =>
      settings.maxRetries > 0 && shouldRetry(answer.statusCode, answer.headers)
        ? retrying(request, settings, onRetry, { answer })
        : { statusCode: answer.statusCode, headers: answer.headers, body: answer.body, retries: 0 },
    (error: unknown) => retrying(request, settings, onRetry, { error }),
  );
}

type Attempt = { answer: SentAnswer; error?: undefined } | { answer?: undefined; error: unknown };

/** The retry loop, entered with the first attempt's answer or connection failure. */
async function retrying(
  request: UpstreamRequest,
  settings: RetrySettings,
  onRetry: (() => void) | undefined,
  first: Attempt,
): Promise<UpstreamAnswer> {
  let outcome = first;
  for (let attempt = 0; ; attempt++) {
    if (attempt > 0) {
      try {
        outcome = { answer: await sendOnce(request) };
      } catch (error) {
        outcome = { error };
      }
    }
    const { answer } = outcome;
    if (answer === undefined) {
      if (request.signal?.aborted || isTimeout(outcome.error) || attempt >= settings.maxRetries) {
        throw unreachable(outcome.error);
      }
      onRetry?.();
      await settings.sleep(backoff(attempt, settings));
      continue;
    }
    if (attempt < settings.maxRetries && shouldRetry(answer.statusCode, answer.headers)) {
      const delay = retryDelay(answer.headers, attempt, settings);
      if (delay <= settings.maxDelayMs) {
        await discard(answer.body);
        onRetry?.();
        await settings.sleep(delay);
        continue;
      }
    }
    return { statusCode: answer.statusCode, headers: answer.headers, body: answer.body, retries: attempt };
  }
}

export function isTimeout(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
}

function unreachable(error: unknown): GatewayError {
  const code = (error as { code?: string } | null)?.code ?? 'connection_error';
  const timedOut = isTimeout(error);
  return new GatewayError(
    timedOut ? 504 : 502,
    timedOut ? 'the provider did not answer in time' : `could not reach the provider (${code})`,
    {
      type: 'server_error',
      code: timedOut ? 'upstream_timeout' : 'upstream_unreachable',
      isRetryable: true,
      cause: error,
    },
  );
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function shouldRetry(status: number, headers: IncomingHttpHeaders): boolean {
  const explicit = header(headers, 'x-should-retry');
  if (explicit === 'true') return true;
  if (explicit === 'false') return false;
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** The wait the answer asks for (`retry-after-ms`, then `retry-after` in seconds or as a date), else backoff. */
export function retryDelay(headers: IncomingHttpHeaders, attempt: number, settings: RetrySettings): number {
  const milliseconds = header(headers, 'retry-after-ms');
  if (milliseconds !== undefined && milliseconds !== '' && Number(milliseconds) >= 0)
    return Number(milliseconds);
  const retryAfter = header(headers, 'retry-after');
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - Date.now());
  }
  return backoff(attempt, settings);
}

function backoff(attempt: number, settings: RetrySettings): number {
  const delay = Math.min(settings.initialDelayMs * 2 ** attempt, settings.maxDelayMs);
  return delay * (1 - Math.random() * 0.25);
}
