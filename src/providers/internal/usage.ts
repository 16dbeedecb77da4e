import type { Usage as PriceUsage } from '../../prices/types.js';
import type { Usage } from '../provider.js';

/**
 * Reading usage belongs to src/prices (one convention for the ledger); providers only fill in
 * the counts a provider does not report, so every RequestResult carries all of them.
 */
export function completeUsage(usage: PriceUsage | undefined): Usage | null {
  if (!usage) return null;
  return {
    inputTokens: usage.inputTokens,
    cachedInputTokens: usage.cachedInputTokens ?? 0,
    cacheCreationInputTokens: usage.cacheCreationInputTokens ?? 0,
    ...(usage.cacheCreation1hInputTokens
      ? { cacheCreation1hInputTokens: usage.cacheCreation1hInputTokens }
      : {}),
    outputTokens: usage.outputTokens,
  };
}
