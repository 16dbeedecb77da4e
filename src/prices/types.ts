/**
 * The shapes of Spendwall's price catalog. Prices are USD per million tokens, the unit both
 * providers publish, so a catalog entry can be checked against the pricing page by eye.
 */

/** Where a request runs; each lane has its own price (see docs/prices.md). */
export type Lane = 'realtime' | 'flex' | 'batch';

export const lanes: readonly Lane[] = ['realtime', 'flex', 'batch'];

/** `openai` and `anthropic` ship in the catalog; overrides may add any other provider name. */
export type ProviderName = 'openai' | 'anthropic' | (string & {});

/** One lane's prices for one model, in USD per million tokens. */
export interface LanePrice {
  /** Input tokens that were neither read from nor written to the prompt cache. */
  input: number;
  /**
   * Input tokens served from the prompt cache: OpenAI's "cached input", Anthropic's "cache hits".
   * Absent where the provider lists no discounted rate for this lane (OpenAI's batch table shows
   * "-" for most models); such tokens are then billed at `input`.
   */
  cachedInput?: number;
  /** Anthropic: input tokens written to the prompt cache with the default 5-minute lifetime. */
  cacheWrite?: number;
  /** Anthropic: input tokens written to the prompt cache with the 1-hour lifetime. */
  cacheWrite1h?: number;
  /** Output tokens, reasoning tokens included. Absent for embedding models, which have none. */
  output?: number;
}

export interface ModelPrice {
  provider: ProviderName;
  /** The model id this entry is filed under: the undated family name (`gpt-4o`, `claude-sonnet-4-5`). */
  model: string;
  /** Other ids the provider accepts for exactly this model (`claude-sonnet-4-0`). */
  aliases?: readonly string[];
  /** The day these figures were last checked against `source` (YYYY-MM-DD). */
  asOf?: string;
  /** The provider's pricing page the figures come from, or where an override came from. */
  source: string;
  /** What could not be confirmed, and how a figure was derived when the page does not print it. */
  notes?: readonly string[];
  /**
   * Prompts larger than this many input tokens (cache reads and writes included) are billed at
   * long-context rates the catalog does not hold; such requests are priced as unknown.
   */
  longContextAboveInputTokens?: number;
  realtime: LanePrice;
  /** Absent when the provider's Batch API does not serve the model. */
  batch?: LanePrice;
  /** Absent when the provider offers no flex tier for the model (Anthropic has none at all). */
  flex?: LanePrice;
  /** `override` when configuration changed or added any figure of this entry. */
  origin: 'catalog' | 'override';
}

/** A catalog entry as written in `src/prices/catalog/`: it must be dated. */
export type CatalogEntry = Omit<ModelPrice, 'origin' | 'asOf'> & { asOf: string };

/**
 * Token counts for one request, always in OpenAI's convention: `inputTokens` counts every
 * input token, including those read from or written to the prompt cache. Anthropic reports
 * `input_tokens` without cache reads and writes; `usageFromAnthropicMessage` adds them back so
 * that every ledger row means the same thing whatever the provider.
 */
export interface Usage {
  inputTokens: number;
  /** Of `inputTokens`, those read from the prompt cache. */
  cachedInputTokens?: number;
  /** Of `inputTokens`, those written to the prompt cache (Anthropic only). */
  cacheCreationInputTokens?: number;
  /** Of `cacheCreationInputTokens`, those written with the 1-hour lifetime; the rest are 5-minute. */
  cacheCreation1hInputTokens?: number;
  outputTokens: number;
}
