import { computeCost } from '../../prices/index.js';
import type { Lane, LanePrice, ModelPrice, Usage } from '../../prices/types.js';

/**
 * `computeCost` for one model and lane, precomputed for a report that prices millions of rows:
 * rates are pico-USD per token as plain integers, and a row's cost is summed in floating point,
 * which is exact while the sum stays below 2^53 pico-USD (about $9,000 for one request). Beyond
 * that, and for anything unusual (invalid counts), it hands over to `computeCost` itself, so the
 * result is always the same as `computeCost`'s (the test checks it on random usage).
 */
export type LaneCost = (usage: Usage) => number | null;

export function laneCostFor(price: ModelPrice | undefined, lane: Lane): LaneCost {
  const rates: LanePrice | undefined = price?.[lane];
  if (!price || !rates) return () => null;
  const pico = (usdPerMillion: number | undefined) =>
    usdPerMillion === undefined ? undefined : Math.round(usdPerMillion * 1_000_000);
  const input = pico(rates.input)!;
  const cachedInput = pico(rates.cachedInput) ?? input;
  const cacheWrite = pico(rates.cacheWrite);
  const cacheWrite1h = pico(rates.cacheWrite1h);
  const output = pico(rates.output);
  const longContext = price.longContextAboveInputTokens ?? Number.POSITIVE_INFINITY;
  const exact = (usage: Usage) => {
    const result = computeCost(price, usage, lane);
    return result.priced ? result.nanoUsd : null;
  };

  return (usage) => {
    const inputTokens = usage.inputTokens;
    const cached = usage.cachedInputTokens ?? 0;
    const written = usage.cacheCreationInputTokens ?? 0;
    const writtenForAnHour = usage.cacheCreation1hInputTokens ?? 0;
    const outputTokens = usage.outputTokens;
    if (
      !Number.isSafeInteger(inputTokens) ||
      !Number.isSafeInteger(outputTokens) ||
      inputTokens < 0 ||
      outputTokens < 0 ||
      cached < 0 ||
      written < 0 ||
      writtenForAnHour < 0 ||
      cached + written > inputTokens ||
      writtenForAnHour > written ||
      inputTokens > longContext
    ) {
      return exact(usage);
    }
    let total = (inputTokens - cached - written) * input + cached * cachedInput;
    if (written - writtenForAnHour > 0) {
      if (cacheWrite === undefined) return null;
      total += (written - writtenForAnHour) * cacheWrite;
    }
    if (writtenForAnHour > 0) {
      if (cacheWrite1h === undefined) return null;
      total += writtenForAnHour * cacheWrite1h;
    }
    if (outputTokens > 0) {
      if (output === undefined) return null;
      total += outputTokens * output;
    }
    if (total > Number.MAX_SAFE_INTEGER - 500) return exact(usage);
    return Math.floor((total + 500) / 1000);
  };
}
