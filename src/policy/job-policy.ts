import { ConfigError } from '../core/errors.js';
import { matchWorkload } from './match.js';
import type { Policy } from './types.js';

/** What the policy says about a bulk job that `spendwall run` (the batch lane) is about to run. */
export interface JobPolicy {
  /** The entry that matched (`eval-*`), or `default`. */
  rule: string;
  /** The entry's deadline: the job's default `--deadline` (the flag wins). */
  deadlineMs?: number;
  /** Something the user should know before the run starts, or undefined. */
  note?: string;
}

/**
 * Checks a bulk job's workload against the policy. A job is a deliberate request for the batch
 * lane, so only an entry that names the workload (or a glob matching it) and says `interactive`
 * stops it: a person waits for that work, and it must not wait a day in a batch. Workloads no
 * entry matches run as asked: the default's `interactive` is about unlabeled live traffic, and a
 * job always has a label (its file name, or `--workload`).
 */
export function policyForJob(policy: Policy, workload: string): JobPolicy {
  const matched = matchWorkload(policy.workloads, workload);
  if (matched?.urgency === 'interactive') {
    throw new ConfigError(
      `${policy.source} says ${workload} is interactive (workloads.${matched.pattern}): a person is waiting ` +
        'for it, so it must not go to the batch lane. If nobody waits for these requests, label the job ' +
        `with a deferrable workload (--workload <name>), or make ${matched.pattern} deferrable in the policy.`,
      { place: '--workload' },
    );
  }
  const rule = matched ?? (policy.default.urgency === 'deferrable' ? policy.default : undefined);
  if (!rule?.deadlineMs) return { rule: matched?.pattern ?? 'default' };
  // A pinned batch lane says the user expects the fallback; otherwise the short deadline is news.
  const short = rule.deadlineMs < policy.gateway.batchMinimumDeadlineMs && rule.lane !== 'batch';
  return {
    rule: rule.pattern,
    deadlineMs: rule.deadlineMs,
    ...(short
      ? {
          note:
            `the policy gives ${workload} ${rule.deadline}, less than the batch lane needs; requests the batch ` +
            'lane has not finished in time run realtime, at the realtime price',
        }
      : {}),
  };
}
