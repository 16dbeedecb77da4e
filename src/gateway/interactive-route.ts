import type { RouteDecision, RouteInput } from '../policy/types.js';

/** The router without a policy: every request is interactive and runs realtime. */
export const interactiveRoute = (input: RouteInput): RouteDecision => ({
  workload: input.workload?.trim() || 'unlabeled',
  rule: 'default',
  urgency: 'interactive',
  lane: 'realtime',
  provider: input.provider,
  model: input.model,
  reason: 'no policy: every request is interactive and runs realtime.',
  missedSavings: false,
});
