import { describe, expect, it } from 'vitest';
import { parsePolicy } from './parse-policy.js';
import { routeRequest } from './route.js';
import type { Policy, RouteInput } from './types.js';

const policy = parsePolicy(
  [
    'version: 1',
    'workloads:',
    '  support-chat: { urgency: interactive }',
    '  eval-*: { urgency: deferrable, deadline: 24h }',
    '  nightly-*: { urgency: deferrable, deadline: 12h }',
    '  ticket-triage: { urgency: deferrable, deadline: 15m }',
    '  backfill: { urgency: deferrable }',
    '  pinned-realtime: { urgency: deferrable, lane: realtime }',
    '  pinned-flex: { urgency: deferrable, deadline: 24h, lane: flex }',
    'models:',
    '  fast: { provider: openai, model: gpt-5-mini }',
    '  careful: { provider: anthropic, model: claude-sonnet-4-5 }',
  ].join('\n'),
);

function route(input: Partial<RouteInput>, using: Policy = policy) {
  return routeRequest(using, {
    provider: 'openai',
    model: 'gpt-5-mini',
    endpoint: '/v1/chat/completions',
    ...input,
  });
}

describe('routeRequest', () => {
  it('keeps interactive work realtime, asynchronous or not', () => {
    for (const asynchronous of [false, true]) {
      expect(route({ workload: 'support-chat', asynchronous })).toEqual({
        workload: 'support-chat',
        rule: 'support-chat',
        urgency: 'interactive',
        lane: 'realtime',
        provider: 'openai',
        model: 'gpt-5-mini',
        reason: 'support-chat is interactive (a person is waiting), so it runs realtime.',
        missedSavings: false,
      });
    }
  });

  it('routes unlabeled traffic and unmatched labels by the default', () => {
    expect(route({})).toMatchObject({ workload: 'unlabeled', rule: 'default', lane: 'realtime' });
    expect(route({ workload: '  ' })).toMatchObject({ workload: 'unlabeled', rule: 'default' });
    expect(route({ workload: 'mystery', asynchronous: true })).toMatchObject({
      workload: 'mystery',
      rule: 'default',
      urgency: 'interactive',
      lane: 'realtime',
    });
    const deferrableDefault = parsePolicy('version: 1\ndefault: { urgency: deferrable, workload: misc }\n');
    expect(route({ asynchronous: true }, deferrableDefault)).toMatchObject({
      workload: 'misc',
      lane: 'batch',
    });
  });

  it('never lets interactive work into flex or batch, even when a policy built in code asks', () => {
    const tampered: Policy = {
      ...policy,
      workloads: [{ pattern: 'support-chat', urgency: 'interactive', lane: 'batch' }],
    };
    const decision = route({ workload: 'support-chat', asynchronous: true }, tampered);
    expect(decision.lane).toBe('realtime');
    expect(decision.reason).toBe(
      'support-chat is interactive (a person is waiting), so it runs realtime; lane: batch is ignored for interactive work.',
    );
  });

  it('sends asynchronous deferrable work with a long deadline to batch', () => {
    expect(route({ workload: 'eval-suite', asynchronous: true })).toEqual({
      workload: 'eval-suite',
      rule: 'eval-*',
      urgency: 'deferrable',
      lane: 'batch',
      deadlineMs: 86_400_000,
      provider: 'openai',
      model: 'gpt-5-mini',
      reason: 'eval-suite can wait 24h, so it goes to the batch lane at about half price.',
      missedSavings: false,
    });
    expect(route({ workload: 'backfill', asynchronous: true })).toMatchObject({
      lane: 'batch',
      deadlineMs: 86_400_000,
      reason: 'backfill can wait and has no deadline, so it goes to the batch lane at about half price.',
    });
  });

  it('runs batch work that came synchronously realtime, as missed savings', () => {
    expect(route({ workload: 'eval-suite', asynchronous: false })).toMatchObject({
      lane: 'realtime',
      missedSavings: true,
      reason:
        'eval-suite can wait for the batch lane but came synchronously, so it runs realtime and misses the batch discount (send it with Prefer: respond-async or as a batch job).',
    });
  });

  it('sends a deadline shorter than the batch lane minimum to flex where the model has it, synchronous or not', () => {
    for (const asynchronous of [false, true]) {
      expect(route({ workload: 'ticket-triage', asynchronous })).toMatchObject({
        lane: 'flex',
        deadlineMs: 900_000,
        missedSavings: false,
        reason:
          'ticket-triage can wait 15m, less than the 1h the batch lane needs, so it runs in flex (synchronous, cheaper).',
      });
    }
    // 12h is well above the default 1h minimum: batch first (spec §3).
    expect(route({ workload: 'nightly-tags', asynchronous: true }).lane).toBe('batch');
  });

  it('keeps short-deadline work realtime where the model has no flex tier', () => {
    expect(route({ workload: 'ticket-triage', model: 'gpt-4o' })).toMatchObject({
      lane: 'realtime',
      missedSavings: false,
      reason:
        'ticket-triage can wait 15m, less than the 1h the batch lane needs, but openai offers no flex lane for gpt-4o, so it runs realtime.',
    });
    expect(route({ workload: 'ticket-triage', provider: 'anthropic', model: 'claude-sonnet-4-5' }).lane).toBe(
      'realtime',
    );
  });

  it('honours a higher batch minimum', () => {
    const day = parsePolicy(
      'version: 1\nworkloads:\n  nightly-*: { urgency: deferrable, deadline: 12h }\ngateway: { batchMinimumDeadline: 24h }\n',
    );
    expect(route({ workload: 'nightly-tags', asynchronous: true }, day)).toMatchObject({
      lane: 'flex',
      deadlineMs: 43_200_000,
    });
  });

  it('runs realtime when the model offers no batch lane, or the catalog does not know it', () => {
    const noBatch = parsePolicy(
      'version: 1\nworkloads:\n  eval-*: { urgency: deferrable }\nprices:\n  openai:\n    gpt-4o: { batch: null }\n',
    );
    expect(route({ workload: 'eval-a', model: 'gpt-4o', asynchronous: true }, noBatch)).toMatchObject({
      lane: 'realtime',
      missedSavings: false,
      reason: 'eval-a can wait, but openai offers no batch lane for gpt-4o, so it runs realtime.',
    });
    expect(route({ workload: 'eval-a', model: 'my-finetune', asynchronous: true }).reason).toBe(
      'eval-a can wait, but the price catalog does not know openai model my-finetune, so it is not known to offer batch (add it under prices:), so it runs realtime.',
    );
  });

  it('resolves model aliases, provider included, before asking which lanes the model offers', () => {
    expect(route({ workload: 'ticket-triage', model: 'fast', provider: 'anthropic' })).toMatchObject({
      provider: 'openai',
      model: 'gpt-5-mini',
      lane: 'flex',
    });
    expect(route({ workload: 'ticket-triage', model: 'careful' })).toMatchObject({
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
      lane: 'realtime',
    });
    expect(route({ workload: 'eval-x', model: 'careful', asynchronous: true }).lane).toBe('batch');
  });

  it('follows a pinned lane for deferrable work, within what the model offers', () => {
    expect(route({ workload: 'pinned-realtime', asynchronous: true })).toMatchObject({
      lane: 'realtime',
      missedSavings: false,
      reason: 'pinned-realtime can wait and the policy pins it to realtime.',
    });
    expect(route({ workload: 'pinned-flex' })).toMatchObject({ lane: 'flex' });
    expect(route({ workload: 'pinned-flex', model: 'gpt-4o' }).lane).toBe('realtime');
  });
});
