import type { Lane, ProviderName } from '../prices/types.js';

/**
 * One row of AI usage as the spend review sees it, whatever it came from: Spendwall's own
 * ledger, a provider's usage export, another gateway's spend log, OpenTelemetry spans or a
 * generic CSV. Importers turn their source's rows into these; ledger views, the batch-candidate
 * finder, what-if replay, reports and the FOCUS export read nothing else.
 *
 * A row is either one request (`requests: 1`, the usual case for gateway logs and spans) or an
 * aggregate (a provider's usage bucket: `requests: n`, `durationMs` the bucket's length). What a
 * source does not tell is left undefined, never guessed: the finder treats missing evidence as
 * "unknown", not as "nobody was waiting".
 */
export interface UsageRecord {
  /** When the request started (epoch ms); for an aggregate, the start of its bucket. */
  startedAt: number;
  /** An aggregate's length in ms (a usage bucket's width); absent for a single request. */
  durationMs?: number;
  /** How many requests this row stands for (1 for a single request). */
  requests: number;
  /**
   * True when the source does not count requests (Anthropic's usage report has tokens per bucket
   * but no request count): `requests` is then 0 and means "not counted", not "none".
   */
  requestCountUnknown?: boolean;

  provider: ProviderName;
  model: string;
  /** Where it ran: `batch` for provider batch traffic, `flex` for OpenAI's flex tier. */
  lane: Lane;
  /** `/v1/chat/completions`, `/v1/embeddings`, `/v1/messages`…, when the source says. */
  endpoint?: string;

  /** The workload label the source carried (Spendwall's ledger, a tag, a metadata field). */
  workload?: string;
  team?: string;
  project?: string;
  /** An API key's id or a hash of it: never the key itself. */
  apiKey?: string;
  /** An end-user id (OpenAI's `user`, LiteLLM's `end_user`, `enduser.id`): a person may wait. */
  endUser?: string;
  /** A session or conversation id: a sign of an interactive exchange. */
  session?: string;
  userAgent?: string;
  tags?: readonly string[];
  /** Whether the answer was streamed: a strong sign that a person watches it arrive. */
  stream?: boolean;
  /** Wall time from request to complete answer, when the source recorded it. */
  latencyMs?: number;
  /** Wall time from request to the first token of the answer (LiteLLM's `completionStartTime`). */
  firstTokenMs?: number;
  /** The tier the provider reports (`standard`, `batch`, `priority`, `flex`, `default`…), as given. */
  serviceTier?: string;
  /** The calling service (OpenTelemetry's `service.name`), when the source names it. */
  service?: string;
  /** The source's own id of the request (LiteLLM's `request_id`, a span id), for pointing back. */
  requestId?: string;
  /** Whether the request failed at the provider (such rows carry no tokens worth pricing). */
  failed?: boolean;
  /** The batch lane re-ran it on realtime because its deadline would have been missed. */
  deadlineFallback?: boolean;

  inputTokens: number;
  /** Of `inputTokens`, those read from the prompt cache. */
  cachedInputTokens?: number;
  /** Of `inputTokens`, those written to the prompt cache (Anthropic). */
  cacheCreationInputTokens?: number;
  /** Of `cacheCreationInputTokens`, those written with the 1-hour lifetime (Anthropic). */
  cacheCreation1hInputTokens?: number;
  outputTokens: number;

  /**
   * What the source says was paid, in nano-USD (1e-9 USD). Absent when the source does not
   * report cost; views then price the tokens from the catalog (and say so).
   */
  costNanoUsd?: number;

  /** Where this row came from, so a finding can point back at its evidence. */
  origin: UsageOrigin;
}

export interface UsageOrigin {
  /** `ledger`, `openai-usage`, `anthropic-usage`, `litellm`, `otlp`, `csv`, `jsonl`… */
  format: string;
  /** The file read, or the store's location for the ledger. */
  path: string;
  /** Line (1-based) for line formats, or a JSON path such as `data[3].results[1]`. */
  position: string;
}

/** A row an importer could not use: kept out of the analysis, reported with its place. */
export interface ImportIssue {
  path: string;
  /** Same form as `UsageOrigin.position`. */
  position: string;
  /** What was wrong and what was expected, naming the field or column. */
  message: string;
}
