import { describe, expect, it } from 'vitest';
import { defaultPolicy } from './default-policy.js';
import { explainPolicy, renderExplainMarkdown } from './explain.js';
import { parsePolicy } from './parse-policy.js';

const policy = parsePolicy(
  [
    'version: 1',
    'workloads:',
    '  support-chat: { urgency: interactive, description: a customer in the chat }',
    '  ticket-triage: { urgency: deferrable, deadline: 15m, description: the support queue | within minutes }',
    '  eval-*: { urgency: deferrable, deadline: 24h }',
    '  backfill: { urgency: deferrable }',
    'gateway: { enforce: true }',
  ].join('\n'),
  'team/spendwall.yaml',
);

describe('explainPolicy', () => {
  it('gives one row per workload in file order, then the default', () => {
    expect(explainPolicy(policy)).toEqual([
      {
        workload: 'support-chat',
        whoWaits: 'a customer in the chat',
        urgency: 'interactive',
        lane: 'realtime',
        deadline: null,
        why: 'It is interactive (a person is waiting), so it runs realtime.',
      },
      {
        workload: 'ticket-triage',
        whoWaits: 'the support queue | within minutes',
        urgency: 'deferrable',
        lane: 'flex',
        deadline: '15m',
        why: 'It can wait 15m, less than the 1h the batch lane needs, so it runs in flex (synchronous, cheaper); realtime where the model has no flex tier.',
      },
      {
        workload: 'eval-*',
        whoWaits: '—',
        urgency: 'deferrable',
        lane: 'batch',
        deadline: '24h',
        why: 'It can wait 24h, so it goes to the batch lane at about half price; requests that come synchronously run realtime (missed savings).',
      },
      {
        workload: 'backfill',
        whoWaits: '—',
        urgency: 'deferrable',
        lane: 'batch',
        deadline: null,
        why: 'It can wait and has no deadline, so it goes to the batch lane at about half price; requests that come synchronously run realtime (missed savings).',
      },
      {
        workload: 'default',
        whoWaits: 'a person',
        urgency: 'interactive',
        lane: 'realtime',
        deadline: null,
        why: 'It is interactive (a person is waiting), so it runs realtime.',
      },
    ]);
  });
});

describe('renderExplainMarkdown', () => {
  it('renders a table ready to paste into docs, escaping pipes', () => {
    const markdown = renderExplainMarkdown(policy);
    const lines = markdown.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'Routing policy from `team/spendwall.yaml` (batch from 1h; synchronous requests for batch work are refused):',
    );
    expect(lines[2]).toBe('| workload | who waits | urgency | lane | deadline | why |');
    expect(lines[3]).toBe('|---|---|---|---|---|---|');
    expect(lines[5]).toContain(
      '| `ticket-triage` | the support queue \\| within minutes | deferrable | flex | 15m |',
    );
    expect(lines[7]).toContain('| `backfill` | — | deferrable | batch | none |');
    expect(lines[8]).toBe(
      '| default (unlabeled requests, counted as `unlabeled`, and names no entry matches) | a person | interactive | realtime | — | It is interactive (a person is waiting), so it runs realtime. |',
    );
    expect(lines).toHaveLength(9);
  });

  it('renders the built-in default policy as one realtime row', () => {
    expect(renderExplainMarkdown(defaultPolicy)).toContain('Routing policy from `built-in default policy`');
    expect(explainPolicy(defaultPolicy).map((row) => row.lane)).toEqual(['realtime']);
  });
});
