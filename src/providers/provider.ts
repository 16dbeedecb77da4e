/**
 * The one interface every provider implements (one folder each under src/providers/, with the
 * same file names). Batch support is a capability with start, status, results and cancel, not
 * a subclass. The version is in the name so the interface can change without breaking adapters
 * written against this one.
 */

import type { RetryPolicy } from './http.js';

export type ProviderName = 'openai' | 'anthropic';

/** What every adapter is built from: tests inject the emulator's `fetch`; nothing is global. */
export interface ProviderSettings {
  baseURL: string;
  apiKey: string;
  headers?: Record<string, string>;
  fetch?: typeof fetch;
  /** Attempts for one HTTP call that fails in a way a retry can fix (429, 5xx, connection). */
  maxRetries?: number;
  /** How retries wait; tests pass one whose `sleep` resolves at once. */
  retryPolicy?: RetryPolicy;
  /**
   * How long one attempt of an HTTP call may go without hearing from the provider: the headers
   * (and a whole JSON answer) must arrive within it, counted from the last chunk of a streamed
   * upload, and a streamed download (a results file) may go this long without a byte. A timed-out
   * attempt is retried like a lost connection. Default 600,000 (10 minutes, as the official SDKs).
   */
  timeoutMs?: number;
  /** Lower batch limits than the provider's (tests, or a cautious operator); never raises them. */
  batchLimits?: Partial<BatchLimits>;
}

/** One request as the engine hands it over: `body` is the request body as JSON text. */
export interface ProviderRequest {
  customId: string;
  endpoint: string;
  model: string;
  body: string;
}

/** Token usage normalized across providers. `inputTokens` includes cached and cache-written tokens. */
export interface Usage {
  inputTokens: number;
  cachedInputTokens: number;
  cacheCreationInputTokens: number;
  /** Of `cacheCreationInputTokens`, those written with Anthropic's 1-hour lifetime (billed higher). */
  cacheCreation1hInputTokens?: number;
  outputTokens: number;
}

/**
 * How one request ended. `failed_retryable` (server errors, rate limits) can succeed on another
 * try; `failed_invalid` (the request itself is wrong) cannot.
 */
export type RequestOutcome = 'succeeded' | 'failed_retryable' | 'failed_invalid' | 'expired' | 'cancelled';

export interface RequestResult {
  customId: string;
  outcome: RequestOutcome;
  /** The HTTP status the request got, when it got one. */
  statusCode: number | null;
  /** The response body (success) or the provider's error body, as JSON text; null when there was none. */
  body: string | null;
  error: { code: string; message: string } | null;
  usage: Usage | null;
}

/** Where a provider batch stands, in Spendwall's words; `providerStatus` keeps the provider's own. */
export type BatchPhase = 'validating' | 'running' | 'finalizing' | 'cancelling' | 'ended' | 'unknown';

export interface ProviderBatch {
  id: string;
  phase: BatchPhase;
  providerStatus: string;
  /** Set once ended: how the batch as a whole ended. */
  ending: 'completed' | 'failed' | 'expired' | 'cancelled' | null;
  /** Why a batch failed as a whole (e.g. `token_limit_exceeded`); lines then have no results. */
  failure: { code: string; message: string } | null;
  /** Epoch milliseconds, whatever unit the provider reports in. */
  createdAt: number;
  counts: { total: number; succeeded: number; failed: number };
  /** Spendwall's tag, where the provider keeps metadata (OpenAI); null where it does not (Anthropic). */
  tag: BatchTag | null;
}

/** What Spendwall writes into a provider batch to recognize it after a crash. */
export interface BatchTag {
  jobId: string;
  chunkId: string;
}

export interface BatchLimits {
  maxRequests: number;
  maxBytes: number;
  /** The provider's completion window in milliseconds. */
  windowMs: number;
}

export interface BatchCapabilityV1 {
  readonly limits: BatchLimits;
  /** The serialized form of one request in this provider's batch format (packing counts its bytes). */
  encode(request: ProviderRequest): string;
  /**
   * Creates one provider batch from encoded lines (all one endpoint and model). Uploads come first
   * where the provider needs a file: `onUploaded` is told the file id before the batch is created,
   * and `uploadedFileId` reuses one uploaded by an earlier, interrupted attempt.
   *
   * The lines are streamed, never held whole. An upload refused before it was read (429, 503) is
   * retried in place; one refused after it was read is retried in place only when `lines` can be
   * iterated again (an object whose iterator is not itself, unlike a generator), and otherwise
   * fails with a retryable `upload_not_replayable` error for the caller to retry the step.
   *
   * The create call itself is retried only on answers proving nothing was created (408, 429, 503).
   * After a server error or a lost connection the batch may exist: the call throws a retryable
   * ProviderError, and the caller must `find` before creating again.
   */
  create(input: {
    lines: AsyncIterable<string>;
    endpoint: string;
    model: string;
    tag: BatchTag;
    uploadedFileId?: string | null;
    onUploaded?: (fileId: string) => Promise<void>;
  }): Promise<ProviderBatch>;
  /**
   * Finds a batch created for `tag` by a process that died before recording its id. Returns
   * undefined when there is none, so creating it is safe. `createdAfter` is epoch milliseconds,
   * taken before the create call was made; `knownIds` are batches already attributed elsewhere.
   */
  find(
    tag: BatchTag,
    hints: { createdAfter: number; requestCount: number; knownIds: ReadonlySet<string> },
  ): Promise<ProviderBatch | undefined>;
  retrieve(id: string): Promise<ProviderBatch>;
  /**
   * Every line's result of an ended batch, streamed in pages as the download arrives (an await
   * per page, not per line: a batch has up to 50,000 lines); order is the provider's. Reads the
   * batch afresh for where its results are, so a batch rebuilt from the store is enough.
   */
  results(batch: ProviderBatch): AsyncIterable<readonly RequestResult[]>;
  cancel(id: string): Promise<ProviderBatch>;
}

export interface ProviderAdapterV1 {
  readonly specificationVersion: 'v1';
  readonly name: ProviderName;
  readonly batch: BatchCapabilityV1;
  /**
   * One synchronous call: the realtime lane and deadline fallbacks. Any answer, good or bad, is a
   * RequestResult (after `send`'s retries). It throws when there is no answer about the request:
   * a lost connection, an abort, 401/403 (the key, not the request), or a tier the provider lacks.
   */
  call(
    request: ProviderRequest,
    options?: { serviceTier?: 'flex'; signal?: AbortSignal },
  ): Promise<RequestResult>;
}
