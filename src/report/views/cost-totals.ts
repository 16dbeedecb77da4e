import type { Lane } from '../../prices/types.js';
import type { RecordCosts } from '../pricing/record-costs.js';
import type { UsageRecord } from '../usage-record.js';

/**
 * Running sums for a set of rows, in nano-USD. A difference (a saving) is summed only over rows
 * where both sides are priced; the rows where one side is unknown are counted instead, so a
 * report can say "n requests unpriced" rather than pretend they cost nothing.
 */
export interface CostTotals {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  /** What was paid, over priced rows. */
  paid: number;
  /** Requests whose paid cost is unknown (unknown model, lane not offered). */
  unpricedRequests: number;
  /** Flex and batch rows: realtime cost − paid (realized savings). */
  realized: number;
  realizedUnpricedRequests: number;
  /** Realtime rows: paid − batch cost, over rows whose model offers batch. */
  toBatch: number;
  /** What those rows (the ones with a batch price) paid. */
  toBatchPaid: number;
  toBatchRequests: number;
  /** Realtime rows: paid − flex cost, over rows whose model offers flex. */
  toFlex: number;
  toFlexPaid: number;
  toFlexRequests: number;
  /** Rows re-run on realtime because the batch lane could not meet their deadline. */
  fallbackRequests: number;
  fallbackPaid: number;
  /** What the fallbacks cost beyond their batch price. */
  fallbackExtra: number;
  /** Costs of every row in each lane, for what-if replay; `…Unpriced` counts requests without a price. */
  atLane: Record<Lane, { cost: number; unpricedRequests: number }>;
}

export function emptyCostTotals(): CostTotals {
  return {
    requests: 0,
    inputTokens: 0,
    outputTokens: 0,
    paid: 0,
    unpricedRequests: 0,
    realized: 0,
    realizedUnpricedRequests: 0,
    toBatch: 0,
    toBatchPaid: 0,
    toBatchRequests: 0,
    toFlex: 0,
    toFlexPaid: 0,
    toFlexRequests: 0,
    fallbackRequests: 0,
    fallbackPaid: 0,
    fallbackExtra: 0,
    atLane: {
      realtime: { cost: 0, unpricedRequests: 0 },
      flex: { cost: 0, unpricedRequests: 0 },
      batch: { cost: 0, unpricedRequests: 0 },
    },
  };
}

export function addToTotals(totals: CostTotals, record: UsageRecord, costs: RecordCosts): void {
  const requests = record.requests;
  totals.requests += requests;
  totals.inputTokens += record.inputTokens;
  totals.outputTokens += record.outputTokens;
  const paid = costs.paid;
  if (paid === null) totals.unpricedRequests += requests;
  else totals.paid += paid;

  for (const lane of ['realtime', 'flex', 'batch'] as const) {
    const cost = costs[lane];
    const slot = totals.atLane[lane];
    if (cost === null) slot.unpricedRequests += requests;
    else slot.cost += cost;
  }

  if (record.lane === 'realtime') {
    if (paid !== null && costs.batch !== null) {
      totals.toBatch += paid - costs.batch;
      totals.toBatchPaid += paid;
      totals.toBatchRequests += requests;
    }
    if (paid !== null && costs.flex !== null) {
      totals.toFlex += paid - costs.flex;
      totals.toFlexPaid += paid;
      totals.toFlexRequests += requests;
    }
  } else if (paid !== null && costs.realtime !== null) {
    totals.realized += costs.realtime - paid;
  } else {
    totals.realizedUnpricedRequests += requests;
  }

  if (record.deadlineFallback) {
    totals.fallbackRequests += requests;
    if (paid !== null) {
      totals.fallbackPaid += paid;
      if (costs.batch !== null) totals.fallbackExtra += paid - costs.batch;
    }
  }
}

export function mergeTotals(into: CostTotals, from: CostTotals): void {
  for (const key of Object.keys(from) as (keyof CostTotals)[]) {
    if (key === 'atLane') continue;
    into[key] += from[key];
  }
  for (const lane of ['realtime', 'flex', 'batch'] as const) {
    into.atLane[lane].cost += from.atLane[lane].cost;
    into.atLane[lane].unpricedRequests += from.atLane[lane].unpricedRequests;
  }
}
