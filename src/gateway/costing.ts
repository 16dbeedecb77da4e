import { costOf } from '../prices/cost.js';
import type { PriceBook } from '../prices/price-book.js';
import type { Lane, Usage } from '../prices/types.js';

export interface RequestCosts {
  /** What was paid, in nano-USD; null when it cannot be known (unknown model, no usage). */
  paid: number | null;
  realtime: number | null;
  batch: number | null;
  flex: number | null;
}

/** The price paid in `lane` and what the same tokens cost in every other lane. */
export function costsFor(
  prices: PriceBook,
  provider: string,
  model: string,
  usage: Usage | undefined,
  lane: Lane,
): RequestCosts {
  if (!usage) return { paid: null, realtime: null, batch: null, flex: null };
  const price = prices.priceFor(provider, model);
  const realtime = costOf(price, usage, 'realtime');
  const batch = costOf(price, usage, 'batch');
  const flex = costOf(price, usage, 'flex');
  const paid = lane === 'realtime' ? realtime : lane === 'batch' ? batch : flex;
  return { paid, realtime, batch, flex };
}

/** nano-USD as the `x-spendwall-cost-usd` value: a decimal with 9 places, or `unknown`. */
export function formatCostHeader(nanoUsd: number | null): string {
  if (nanoUsd === null) return 'unknown';
  const whole = Math.floor(nanoUsd / 1e9);
  const fraction = String(nanoUsd % 1e9).padStart(9, '0');
  return `${whole}.${fraction}`;
}
