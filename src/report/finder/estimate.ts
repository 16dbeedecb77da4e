import type { Verdict } from './evidence.js';
import type { WorkloadProfile } from './workload-profile.js';

export const projectionDays = 30;

/** What moving a workload would save in a month, and what that figure assumes. */
export interface SavingEstimate {
  /** Nano-USD per 30 days; 0 when the verdict recommends no move. */
  monthlyNanoUsd: number;
  /** The lane the estimate moves realtime requests to, if any. */
  targetLane: 'batch' | 'flex' | null;
  /** Realtime requests the estimate covers, and those it cannot (no price in the target lane). */
  coveredRequests: number;
  uncoveredRequests: number;
  assumptions: string[];
}

/**
 * Projects the saving to 30 days from the history's span: the workload's realtime requests, priced
 * in the target lane at the catalog price, only for models that offer that lane. Requests already
 * in batch or flex are realized savings, not estimated ones.
 */
export function estimateSaving(profile: WorkloadProfile, verdict: Verdict, spanDays: number): SavingEstimate {
  const factor = projectionDays / Math.max(1, spanDays);
  const realtimeRequests = profile.laneRequests.realtime;
  const span = `projected to ${projectionDays} days from ${spanDays.toFixed(1)} observed days, assuming the traffic recurs at the observed rate`;
  if (verdict === 'batchable') {
    const covered = profile.totals.toBatchRequests;
    return {
      monthlyNanoUsd: Math.round(profile.totals.toBatch * factor),
      targetLane: 'batch',
      coveredRequests: covered,
      uncoveredRequests: realtimeRequests - covered,
      assumptions: [
        'realtime requests move to the provider Batch API at the catalog batch price',
        ...(realtimeRequests > covered
          ? [
              `${realtimeRequests - covered} realtime requests are on models without a batch price and are not counted`,
            ]
          : []),
        span,
      ],
    };
  }
  if (verdict === 'flex-able') {
    const covered = profile.totals.toFlexRequests;
    return {
      monthlyNanoUsd: Math.round(profile.totals.toFlex * factor),
      targetLane: 'flex',
      coveredRequests: covered,
      uncoveredRequests: realtimeRequests - covered,
      assumptions: [
        "realtime requests move to OpenAI's flex tier at the catalog flex price (minutes, not a day)",
        ...(realtimeRequests > covered
          ? [
              `${realtimeRequests - covered} realtime requests are on models without a flex tier and are not counted`,
            ]
          : []),
        span,
      ],
    };
  }
  return {
    monthlyNanoUsd: 0,
    targetLane: null,
    coveredRequests: 0,
    uncoveredRequests: 0,
    assumptions: [
      verdict === 'interactive'
        ? 'a person waits: stays realtime'
        : 'not recommended until the evidence is clearer',
    ],
  };
}
