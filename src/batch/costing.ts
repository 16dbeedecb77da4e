import { costOf, type PriceBook } from '../prices/index.js';
import type { Usage } from '../providers/provider.js';
import type { Lane } from '../store/outcomes.js';

export interface Costs {
  /** What was paid in the lane that ran; null when the price is unknown. */
  paid: number | null;
  realtime: number | null;
  batch: number | null;
  flex: number | null;
}

/** Every lane's price of one request's usage, in nano-USD (null: unknown, never zero). */
export function costsFor(
  prices: PriceBook,
  provider: string,
  model: string,
  usage: Usage,
  lane: Lane,
): Costs {
  const price = prices.priceFor(provider, model);
  const realtime = costOf(price, usage, 'realtime');
  const batch = costOf(price, usage, 'batch');
  const flex = costOf(price, usage, 'flex');
  const paid = lane === 'batch' ? batch : lane === 'flex' ? flex : realtime;
  return { paid, realtime, batch, flex };
}
