import type { Lane, LanePrice, ModelPrice, Usage } from './types.js';

/**
 * What a request cost, in integer nano-USD (1e-9 USD). Integers make ledger sums exact and the
 * same on SQLite and Postgres; a nano-dollar is far below anything a provider bills.
 *
 * A price of P USD per million tokens is P × 10^6 pico-USD (1e-12 USD) per token, an integer
 * because catalog and override prices have at most 6 decimal places. Each request's cost is
 * summed exactly in pico-USD and rounded once, half up, to nano-USD: a row is at most half a
 * nano-dollar off the exact figure (gpt-5-nano's batch cached input, $0.0025 per million
 * tokens, is 2.5 nano-USD per token, so odd token counts need that one rounding).
 */
export const nanoUsdPerUsd = 1_000_000_000;

export type UnpricedReason =
  /** Neither the catalog nor the overrides know the model. */
  | 'unknown_model'
  /** The provider does not offer this lane for the model (flex on gpt-4o, flex at Anthropic). */
  | 'lane_not_offered'
  /** The usage has tokens of a kind the lane has no price for (output tokens on an embedding model). */
  | 'missing_price'
  /** The prompt is in a long-context tier the catalog does not price (Sonnet 4/4.5 above 200K). */
  | 'long_context'
  /** The token counts contradict each other or are not counts. */
  | 'invalid_usage';

export type CostResult =
  | { priced: true; nanoUsd: number }
  | { priced: false; reason: UnpricedReason; message: string };

/** The lane's prices, or `undefined` when the model does not offer that lane. */
export function lanePrice(price: ModelPrice, lane: Lane): LanePrice | undefined {
  return price[lane];
}

/** Whether the model can run in `lane` at all: the router asks this before choosing flex. */
export function offersLane(price: ModelPrice | undefined, lane: Lane): boolean {
  return price?.[lane] !== undefined;
}

/**
 * The cost of one request in `lane`, or why it cannot be priced. Unknown is never zero: a ledger
 * that summed unknown costs as $0 would report savings that were never made.
 */
export function computeCost(price: ModelPrice | undefined, usage: Usage, lane: Lane): CostResult {
  if (!price) {
    return unpriced('unknown_model', 'the model is in neither the price catalog nor the price overrides');
  }
  const usageProblem = checkUsage(usage);
  if (usageProblem) return unpriced('invalid_usage', usageProblem);

  const rates = price[lane];
  if (!rates) {
    return unpriced(
      'lane_not_offered',
      `${price.provider} does not offer the ${lane} lane for ${price.model}, so there is no ${lane} price`,
    );
  }
  const limit = price.longContextAboveInputTokens;
  if (limit !== undefined && usage.inputTokens > limit) {
    return unpriced(
      'long_context',
      `${usage.inputTokens} input tokens exceed ${limit}: ${price.model} bills such prompts at long-context ` +
        'rates the catalog does not hold (add them as an override)',
    );
  }

  const cached = usage.cachedInputTokens ?? 0;
  const written = usage.cacheCreationInputTokens ?? 0;
  const writtenForAnHour = usage.cacheCreation1hInputTokens ?? 0;
  const sum = new PicoUsdSum();
  const missing =
    sum.add(usage.inputTokens - cached - written, rates.input, 'input') ??
    // No discounted rate listed means no discount: the provider bills those tokens as input.
    sum.add(cached, rates.cachedInput ?? rates.input, 'cachedInput') ??
    sum.add(written - writtenForAnHour, rates.cacheWrite, 'cacheWrite') ??
    sum.add(writtenForAnHour, rates.cacheWrite1h, 'cacheWrite1h') ??
    sum.add(usage.outputTokens, rates.output, 'output');
  if (missing) {
    return unpriced(
      'missing_price',
      `${price.model} has no ${lane}.${missing.field} price, and the usage has ${missing.tokens} such tokens`,
    );
  }
  const nanoUsd = sum.roundedToNanoUsd();
  if (nanoUsd === undefined) {
    return unpriced('invalid_usage', 'the cost exceeds what one request can plausibly cost');
  }
  return { priced: true, nanoUsd };
}

/**
 * A sum of tokens × pico-USD per token, exact: in plain numbers while every product and the sum
 * stay below 2^53 (every real request: a tenth of a second of a 200,000-request job went to
 * BigInts), in BigInts past that.
 */
class PicoUsdSum {
  private small = 0;
  private large: bigint | undefined;

  /** Adds `tokens` at `rate` USD per million tokens; names them when they have no rate. */
  add(
    tokens: number,
    rate: number | undefined,
    field: keyof LanePrice,
  ): { field: keyof LanePrice; tokens: number } | undefined {
    if (tokens === 0) return undefined;
    if (rate === undefined) return { field, tokens };
    const perToken = picoUsdPerToken(rate);
    const product = tokens * perToken;
    if (
      this.large === undefined &&
      Number.isSafeInteger(product) &&
      Number.isSafeInteger(this.small + product)
    ) {
      this.small += product;
    } else {
      this.large = (this.large ?? BigInt(this.small)) + BigInt(tokens) * BigInt(perToken);
    }
    return undefined;
  }

  /** The sum rounded half up to nano-USD; `undefined` past Number.MAX_SAFE_INTEGER nano-USD. */
  roundedToNanoUsd(): number | undefined {
    if (this.large === undefined && Number.isSafeInteger(this.small + 500)) {
      const total = this.small + 500;
      // Integer division by 1000 without trusting a floating-point quotient near an integer.
      let nanoUsd = Math.floor(total / 1000);
      if (nanoUsd * 1000 > total) nanoUsd--;
      else if ((nanoUsd + 1) * 1000 <= total) nanoUsd++;
      return nanoUsd;
    }
    const nanoUsd = ((this.large ?? BigInt(this.small)) + 500n) / 1000n;
    return nanoUsd > BigInt(Number.MAX_SAFE_INTEGER) ? undefined : Number(nanoUsd);
  }
}

/** The cost in nano-USD, or `null` when it cannot be known; `explainUnpriced` says why. */
export function costOf(price: ModelPrice | undefined, usage: Usage, lane: Lane): number | null {
  const result = computeCost(price, usage, lane);
  return result.priced ? result.nanoUsd : null;
}

/** Why `costOf` returned `null`, in a sentence for logs and summaries; `undefined` when it did not. */
export function explainUnpriced(price: ModelPrice | undefined, usage: Usage, lane: Lane): string | undefined {
  const result = computeCost(price, usage, lane);
  return result.priced ? undefined : result.message;
}

/** USD per million tokens → pico-USD per token; exact for prices with at most 6 decimals. */
function picoUsdPerToken(usdPerMillionTokens: number): number {
  return Math.round(usdPerMillionTokens * 1_000_000);
}

function checkUsage(usage: Usage): string | undefined {
  // The common case first, without building the list below for every request.
  if (
    isCount(usage.inputTokens) &&
    isOptionalCount(usage.cachedInputTokens) &&
    isOptionalCount(usage.cacheCreationInputTokens) &&
    isOptionalCount(usage.cacheCreation1hInputTokens) &&
    isCount(usage.outputTokens) &&
    (usage.cachedInputTokens ?? 0) + (usage.cacheCreationInputTokens ?? 0) <= usage.inputTokens &&
    (usage.cacheCreation1hInputTokens ?? 0) <= (usage.cacheCreationInputTokens ?? 0)
  ) {
    return undefined;
  }
  const counts: [string, number | undefined][] = [
    ['inputTokens', usage.inputTokens],
    ['cachedInputTokens', usage.cachedInputTokens],
    ['cacheCreationInputTokens', usage.cacheCreationInputTokens],
    ['cacheCreation1hInputTokens', usage.cacheCreation1hInputTokens],
    ['outputTokens', usage.outputTokens],
  ];
  for (const [name, value] of counts) {
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
      return `${name} must be a whole number of tokens, not ${value}`;
    }
  }
  const fromCache = (usage.cachedInputTokens ?? 0) + (usage.cacheCreationInputTokens ?? 0);
  if (fromCache > usage.inputTokens) {
    return (
      `cached (${usage.cachedInputTokens ?? 0}) and cache-write (${usage.cacheCreationInputTokens ?? 0}) ` +
      `tokens are part of inputTokens (${usage.inputTokens}) and cannot exceed it`
    );
  }
  if ((usage.cacheCreation1hInputTokens ?? 0) > (usage.cacheCreationInputTokens ?? 0)) {
    return 'cacheCreation1hInputTokens are part of cacheCreationInputTokens and cannot exceed them';
  }
  return undefined;
}

function unpriced(reason: UnpricedReason, message: string): CostResult {
  return { priced: false, reason, message };
}

function isCount(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}

function isOptionalCount(value: number | undefined): boolean {
  return value === undefined || isCount(value);
}
