import { costOf } from './cost.js';
import type { PriceBook } from './price-book.js';
import type { Lane, Usage } from './types.js';

/** One request's tokens priced in the lane that ran and in every other lane, in nano-USD. */
export interface LaneCosts {
  /** What was paid; null when it cannot be known (unknown model, no usage): never zero. */
  paid: number | null;
  realtime: number | null;
  batch: number | null;
  flex: number | null;
}

/**
 * The price paid in `lane` and what the same tokens would have cost in the others: the ledger
 * row of every executed request, from the batch lane and the gateway alike.
 */
export function costsInEveryLane(
  prices: PriceBook,
  provider: string,
  model: string,
  usage: Usage | undefined,
  lane: Lane,
): LaneCosts {
  if (!usage) return { paid: null, realtime: null, batch: null, flex: null };
  const price = prices.priceFor(provider, model);
  const realtime = costOf(price, usage, 'realtime');
  const batch = costOf(price, usage, 'batch');
  const flex = costOf(price, usage, 'flex');
  const paid = lane === 'batch' ? batch : lane === 'flex' ? flex : realtime;
  return { paid, realtime, batch, flex };
}
