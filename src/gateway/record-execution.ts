import type { RouteDecision } from '../policy/types.js';
import { costsInEveryLane, type LaneCosts } from '../prices/lane-costs.js';
import type { PriceBook } from '../prices/price-book.js';
import type { Usage } from '../prices/types.js';
import { timeOrderedId } from './fast-id.js';
import type { LedgerWriter } from './ledger-writer.js';
import type { GatewayMetrics } from './metrics.js';

/** One executed request, as the gateway and the library's `chat()` / `embed()` know it. */
export interface Execution {
  requestId: string;
  decision: RouteDecision;
  team: string | undefined;
  provider: string;
  endpoint: string;
  /** The lane actually used. */
  lane: 'realtime' | 'flex';
  fellBack: boolean;
  usage: Usage | undefined;
}

/** An executed request's cost in every lane (the paid one goes into `x-spendwall-cost-usd`). */
export function priceExecution(prices: PriceBook, execution: Execution): LaneCosts {
  return costsInEveryLane(
    prices,
    execution.provider,
    execution.decision.model,
    execution.usage,
    execution.lane,
  );
}

/**
 * Queues an executed request's ledger row and counts its cost and realized or missed savings.
 * `costs` may be given when they were computed already (the gateway prices an answer before
 * sending it and books it after, so the bookkeeping is not in the client's wait).
 */
export function recordExecution(
  sinks: { prices: PriceBook; ledger: LedgerWriter | undefined; metrics: GatewayMetrics | undefined },
  execution: Execution,
  costs: LaneCosts = priceExecution(sinks.prices, execution),
): LaneCosts {
  const { decision, usage, lane } = execution;
  sinks.ledger?.add({
    id: timeOrderedId('led_'),
    requestId: execution.requestId,
    workload: decision.workload,
    urgency: decision.urgency,
    team: execution.team ?? null,
    provider: execution.provider,
    model: decision.model,
    endpoint: execution.endpoint,
    lane,
    inputTokens: usage?.inputTokens ?? 0,
    cachedInputTokens: usage?.cachedInputTokens ?? 0,
    cacheCreationInputTokens: usage?.cacheCreationInputTokens ?? 0,
    outputTokens: usage?.outputTokens ?? 0,
    costNanoUsd: costs.paid,
    realtimeCostNanoUsd: costs.realtime,
    batchCostNanoUsd: costs.batch,
    flexCostNanoUsd: costs.flex,
    deadlineFallback: execution.fellBack,
    createdAt: Date.now(),
  });
  const metrics = sinks.metrics;
  if (!metrics) return costs;
  const labels = { lane, workload: decision.workload };
  if (costs.paid === null) {
    metrics.unpriced.add(labels);
    return costs;
  }
  metrics.cost.add(labels, costs.paid / 1e9);
  if (lane !== 'realtime' && costs.realtime !== null) {
    metrics.realizedSavings.add(labels, (costs.realtime - costs.paid) / 1e9);
  }
  if (lane === 'realtime' && decision.urgency === 'deferrable' && costs.batch !== null) {
    metrics.missedSavings.add({ workload: decision.workload }, (costs.paid - costs.batch) / 1e9);
  }
  return costs;
}
