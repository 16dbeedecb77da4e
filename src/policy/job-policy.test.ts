import { describe, expect, it } from 'vitest';
import { defaultPolicy } from './default-policy.js';
import { policyForJob } from './job-policy.js';
import { parsePolicy } from './parse-policy.js';

const policy = parsePolicy(
  [
    'version: 1',
    'workloads:',
    '  support-*: { urgency: interactive }',
    '  eval-*: { urgency: deferrable, deadline: 24h }',
    '  ticket-triage: { urgency: deferrable, deadline: 15m }',
    '  nightly-*: { urgency: deferrable, deadline: 12h, lane: batch }',
    '  backfill: { urgency: deferrable }',
  ].join('\n'),
);

describe('policyForJob (spendwall run)', () => {
  it('refuses a workload the policy calls interactive, saying how to relabel it', () => {
    expect(() => policyForJob(policy, 'support-chat')).toThrow(
      '--workload: spendwall.yaml says support-chat is interactive (workloads.support-*): a person is waiting for it, so it must not go to the batch lane.',
    );
  });

  it("gives the job the workload's deadline", () => {
    expect(policyForJob(policy, 'eval-suite')).toEqual({ rule: 'eval-*', deadlineMs: 86_400_000 });
    expect(policyForJob(policy, 'nightly-tags')).toEqual({ rule: 'nightly-*', deadlineMs: 43_200_000 });
    expect(policyForJob(policy, 'backfill')).toEqual({ rule: 'backfill' });
  });

  it('notes a deadline shorter than the batch lane minimum', () => {
    expect(policyForJob(policy, 'ticket-triage').note).toBe(
      'the policy gives ticket-triage 15m, less than the batch lane needs; requests the batch lane has not finished in time run realtime, at the realtime price',
    );
  });

  it('lets workloads no entry names run, under the default policy too', () => {
    expect(policyForJob(policy, 'requests')).toEqual({ rule: 'default' });
    expect(policyForJob(defaultPolicy, 'requests')).toEqual({ rule: 'default' });
  });
});
