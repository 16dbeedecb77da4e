import type { RouteDecision, RouteInput } from '../../policy/types.js';
import type { Lane } from '../../prices/types.js';
import { projectionDays } from '../finder/estimate.js';
import type { WorkloadProfile } from '../finder/workload-profile.js';
import { laneDelays } from './lane-delays.js';

/** Routes one request under a policy: `routeRequest` bound to a loaded policy. */
export type Router = (input: RouteInput) => RouteDecision;

export interface WhatIfWorkload {
  workload: string;
  /** Rules that matched this workload's requests (usually one). */
  rules: string[];
  urgency: RouteDecision['urgency'];
  /** Requests per lane under the proposed policy. */
  lanes: Record<Lane, number>;
  /** What the history paid, and what it would cost under the policy (nano-USD, observed span). */
  paid: number;
  projected: number;
  saving: number;
  /** The same saving projected to 30 days. */
  monthlySaving: number;
  /** Requests without a price in the lane the policy chose (unknown model): not in the figures. */
  unpricedRequests: number;
  /** Typical delay of this workload's requests (the slowest lane it uses), with its assumption. */
  delayMs: number;
  delayText: string;
}

export interface WhatIfResult {
  workloads: WhatIfWorkload[];
  paid: number;
  projected: number;
  saving: number;
  monthlySaving: number;
  assumptions: string[];
}

/**
 * Replays the history under a proposed policy: every provider × model × endpoint group of every
 * workload is routed once (as if submitted asynchronously, the way deferrable work would be once
 * the policy is adopted) and priced in the lane chosen, from the per-lane costs gathered in the
 * single pass over the rows.
 */
export function replay(profiles: Iterable<WorkloadProfile>, route: Router, spanDays: number): WhatIfResult {
  const workloads: WhatIfWorkload[] = [];
  const factor = projectionDays / Math.max(1, spanDays);
  for (const profile of profiles) {
    const rules = new Set<string>();
    const lanes: Record<Lane, number> = { realtime: 0, flex: 0, batch: 0 };
    let paid = 0;
    let projected = 0;
    let unpricedRequests = 0;
    let urgency: RouteDecision['urgency'] = 'interactive';
    for (const group of profile.groups.values()) {
      const decision = route({
        workload: routableName(profile),
        provider: group.provider,
        model: group.model,
        endpoint: group.endpoint || defaultEndpoint(group.model),
        asynchronous: true,
      });
      rules.add(decision.rule);
      urgency = decision.urgency;
      const totals = group.totals;
      lanes[decision.lane] += totals.requests;
      const atLane = totals.atLane[decision.lane];
      // A group is compared only when every request is priced both as paid and in the chosen
      // lane (groups are per model, so an unknown model leaves out its whole group, visibly).
      if (atLane.unpricedRequests > 0 || totals.unpricedRequests > 0) {
        unpricedRequests += totals.requests;
        continue;
      }
      paid += totals.paid;
      projected += atLane.cost;
    }
    const slowest: Lane = lanes.batch > 0 ? 'batch' : lanes.flex > 0 ? 'flex' : 'realtime';
    workloads.push({
      workload: profile.name,
      rules: [...rules],
      urgency,
      lanes,
      paid,
      projected,
      saving: paid - projected,
      monthlySaving: Math.round((paid - projected) * factor),
      unpricedRequests,
      delayMs: laneDelays[slowest].typicalMs,
      delayText: laneDelays[slowest].text,
    });
  }
  workloads.sort((left, right) => right.saving - left.saving || left.workload.localeCompare(right.workload));
  const paid = workloads.reduce((sum, workload) => sum + workload.paid, 0);
  const projected = workloads.reduce((sum, workload) => sum + workload.projected, 0);
  return {
    workloads,
    paid,
    projected,
    saving: paid - projected,
    monthlySaving: Math.round((paid - projected) * factor),
    assumptions: [
      'each workload is routed by the proposed policy as if its requests were submitted asynchronously',
      'costs are catalog prices of the lane the policy chooses, for the same tokens',
      `delays: batch ${laneDelays.batch.text}; flex ${laneDelays.flex.text}; realtime ${laneDelays.realtime.text}`,
      `monthly figures projected to ${projectionDays} days from ${spanDays.toFixed(1)} observed days`,
    ],
  };
}

/** Only real labels are matched against the policy's workload names; `key:…` and the like are not. */
function routableName(profile: WorkloadProfile): string | undefined {
  return profile.isLabel ? profile.name : undefined;
}

function defaultEndpoint(model: string): string {
  if (model.startsWith('claude')) return '/v1/messages';
  if (model.includes('embedding')) return '/v1/embeddings';
  return '/v1/chat/completions';
}
