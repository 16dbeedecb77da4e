import { type Lane, type ModelPrice, offersLane } from '../prices/index.js';
import { matchWorkload } from './match.js';
import { planLane, planSentence } from './plan.js';
import { providerBatchWindowMs } from './schema.js';
import type { Policy, RouteDecision, RouteInput } from './types.js';

/**
 * Where one request runs (spec §3). Interactive work runs realtime, always: the file check
 * refuses an interactive entry with another lane, and this function holds to the rule even for
 * a policy built in code. Deferrable work gets the lane its entry plans (`plan.ts`), provided the
 * model offers it (the price book knows) and, for batch, that the request came asynchronously.
 */
export function routeRequest(policy: Policy, input: RouteInput): RouteDecision {
  const label = input.workload?.trim() || undefined;
  const matched = label === undefined ? undefined : matchWorkload(policy.workloads, label);
  const rule = matched ?? policy.default;
  const workload = label ?? policy.default.workload;
  const alias = policy.models[input.model];
  const provider = alias?.provider ?? input.provider;
  const model = alias?.model ?? input.model;
  const common = { workload, rule: matched?.pattern ?? 'default', urgency: rule.urgency, provider, model };

  if (rule.urgency === 'interactive') {
    const ignored =
      rule.lane && rule.lane !== 'realtime' ? `; lane: ${rule.lane} is ignored for interactive work` : '';
    return {
      ...common,
      lane: 'realtime',
      reason: `${workload} is interactive (a person is waiting), so it runs realtime${ignored}.`,
      missedSavings: false,
    };
  }

  const deferred = (lane: Lane, reason: string, missedSavings = false): RouteDecision => ({
    ...common,
    lane,
    deadlineMs: rule.deadlineMs ?? providerBatchWindowMs,
    reason: `${workload} ${reason}.`,
    missedSavings,
  });
  const plan = planLane(rule, policy.gateway.batchMinimumDeadlineMs);
  const price = policy.priceBook.priceFor(provider, model);

  if (plan.lane === 'realtime') return deferred('realtime', planSentence(plan));
  if (plan.lane === 'flex') {
    if (offersLane(price, 'flex')) return deferred('flex', planSentence(plan));
    return deferred(
      'realtime',
      `${plan.because}, but ${lacks(price, provider, model, 'flex')}, so it runs realtime`,
    );
  }
  if (!offersLane(price, 'batch')) {
    return deferred(
      'realtime',
      `can wait, but ${lacks(price, provider, model, 'batch')}, so it runs realtime`,
    );
  }
  if (input.asynchronous) return deferred('batch', planSentence(plan));
  return deferred(
    'realtime',
    'can wait for the batch lane but came synchronously, so it runs realtime and misses the batch discount (send it with Prefer: respond-async or as a batch job)',
    true,
  );
}

/** Why a model cannot run in a lane, in a clause: `gpt-4o has no flex lane at openai`. */
function lacks(price: ModelPrice | undefined, provider: string, model: string, lane: Lane): string {
  if (!price) {
    return `the price catalog does not know ${provider} model ${model}, so it is not known to offer ${lane} (add it under prices:)`;
  }
  return `${provider} offers no ${lane} lane for ${model}`;
}
