import { formatDuration } from '../core/durations.js';
import type { Lane } from '../prices/index.js';
import type { WorkloadRule } from './types.js';

/** `because, so`: the plan as one clause. */
export function planSentence(plan: LanePlan): string {
  return plan.so.startsWith('and ') ? `${plan.because} ${plan.so}` : `${plan.because}, ${plan.so}`;
}

/** The lane a rule asks for before the model and the request are known, and why. */
export interface LanePlan {
  lane: Lane;
  /** Completes "<workload> …": `can wait 15m, less than the 1h the batch lane needs`. */
  because: string;
  /** What follows from it: `so it runs in flex (synchronous, cheaper)`. */
  so: string;
}

/**
 * The routing rule of spec §3 for one policy entry, independent of the model: interactive →
 * realtime; deferrable with a deadline shorter than the batch lane's minimum (1h by default) → flex; otherwise batch.
 * A pinned lane replaces the choice for deferrable work only. `routeRequest` then checks that
 * the model offers the lane and that the request came asynchronously; `policy explain` shows
 * this plan as it stands.
 */
export function planLane(rule: WorkloadRule, batchMinimumDeadlineMs: number): LanePlan {
  if (rule.urgency === 'interactive') {
    return { lane: 'realtime', because: 'is interactive (a person is waiting)', so: 'so it runs realtime' };
  }
  if (rule.lane) {
    const wait = rule.deadline ? `can wait ${rule.deadline}` : 'can wait';
    return { lane: rule.lane, because: wait, so: `and the policy pins it to ${rule.lane}` };
  }
  const window = formatWindow(batchMinimumDeadlineMs);
  if (rule.deadlineMs !== undefined && rule.deadlineMs < batchMinimumDeadlineMs) {
    return {
      lane: 'flex',
      because: `can wait ${rule.deadline}, less than the ${window} the batch lane needs`,
      so: 'so it runs in flex (synchronous, cheaper)',
    };
  }
  const wait = rule.deadline ? `can wait ${rule.deadline}` : 'can wait and has no deadline';
  return { lane: 'batch', because: wait, so: 'so it goes to the batch lane at about half price' };
}

/** `24h`, `6h`, `90m`: the window as a person would write it. */
export function formatWindow(milliseconds: number): string {
  if (milliseconds % 3_600_000 === 0) return `${milliseconds / 3_600_000}h`;
  if (milliseconds % 60_000 === 0) return `${milliseconds / 60_000}m`;
  return formatDuration(milliseconds);
}
