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
  const parts: [tokens: number, rate: number | undefined, field: keyof LanePrice][] = [
    [usage.inputTokens - cached - written, rates.input, 'input'],
    // No discounted rate listed means no discount: the provider bills those tokens as input.
    [cached, rates.cachedInput ?? rates.input, 'cachedInput'],
    [written - writtenForAnHour, rates.cacheWrite, 'cacheWrite'],
    [writtenForAnHour, rates.cacheWrite1h, 'cacheWrite1h'],
    [usage.outputTokens, rates.output, 'output'],
  ];

  let picoUsd = 0n;
  for (const [tokens, rate, field] of parts) {
    if (tokens === 0) continue;
    if (rate === undefined) {
      return unpriced(
        'missing_price',
        `${price.model} has no ${lane}.${field} price, and the usage has ${tokens} such tokens`,
      );
    }
    picoUsd += BigInt(tokens) * picoUsdPerToken(rate);
  }
  const nanoUsd = (picoUsd + 500n) / 1000n;
  if (nanoUsd > BigInt(Number.MAX_SAFE_INTEGER)) {
    return unpriced('invalid_usage', 'the cost exceeds what one request can plausibly cost');
  }
  return { priced: true, nanoUsd: Number(nanoUsd) };
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
function picoUsdPerToken(usdPerMillionTokens: number): bigint {
  return BigInt(Math.round(usdPerMillionTokens * 1_000_000));
}

function checkUsage(usage: Usage): string | undefined {
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
