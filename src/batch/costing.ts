import { costsInEveryLane, type PriceBook } from '../prices/index.js';
import type { RequestResult } from '../providers/provider.js';
import type { Lane, Outcome } from '../store/outcomes.js';

/**
 * The store's record of one finished try: the provider's result, priced in every lane (only a
 * success is billed), with where it ran.
 */
export function outcomeOf(
  result: RequestResult,
  prices: PriceBook,
  where: {
    line: number;
    provider: string;
    model: string;
    lane: Lane;
    chunkId: string | null;
    providerBatchId: string | null;
    retry: boolean;
    deadlineFallback: boolean;
  },
): Outcome {
  const costs =
    result.outcome === 'succeeded' && result.usage
      ? costsInEveryLane(prices, where.provider, where.model, result.usage, where.lane)
      : { paid: null, realtime: null, batch: null, flex: null };
  return {
    line: where.line,
    chunkId: where.chunkId,
    providerBatchId: where.providerBatchId,
    lane: where.lane,
    outcome: result.outcome,
    retry: where.retry,
    statusCode: result.statusCode,
    response: result.body,
    error: result.error ? JSON.stringify(result.error) : null,
    usage: result.usage,
    cost: costs.paid,
    realtimeCost: costs.realtime,
    batchCost: costs.batch,
    flexCost: costs.flex,
    deadlineFallback: where.deadlineFallback,
  };
}
