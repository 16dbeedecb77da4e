import { describe, expect, it } from 'vitest';
import { parseCases, runCases } from './cases.js';
import type { PolicyError } from './issues.js';
import { parsePolicy } from './parse-policy.js';

const policy = parsePolicy(
  [
    'version: 1',
    'workloads:',
    '  support-chat: { urgency: interactive }',
    '  eval-*: { urgency: deferrable, deadline: 24h }',
    'models:',
    '  careful: { provider: anthropic, model: claude-sonnet-4-5 }',
  ].join('\n'),
);

const cases = [
  'cases:',
  '  - name: chat stays realtime',
  '    request: { workload: support-chat, model: gpt-5-mini }',
  '    expect: { lane: realtime, urgency: interactive }',
  '  - request: { workload: eval-suite, model: careful, async: true }',
  '    expect: { lane: batch }',
  '  - name: a wrong expectation',
  '    request: { workload: eval-suite, model: claude-sonnet-4-5 }',
  '    expect: { lane: batch, missedSavings: false }',
].join('\n');

describe('policy test cases', () => {
  it('fills in provider and endpoint, and remembers where each case is written', () => {
    const parsed = parseCases(cases, 'cases.yaml', policy);
    expect(
      parsed.map((entry) => [
        entry.name,
        entry.position.line,
        entry.request.provider,
        entry.request.endpoint,
      ]),
    ).toEqual([
      ['chat stays realtime', 2, 'openai', '/v1/chat/completions'],
      ['case 2', 5, 'anthropic', '/v1/messages'],
      ['a wrong expectation', 7, 'anthropic', '/v1/messages'],
    ]);
  });

  it('passes the cases the policy satisfies and says what differs for the others', () => {
    const results = runCases(policy, parseCases(cases, 'cases.yaml', policy));
    expect(results.map((result) => result.passed)).toEqual([true, true, false]);
    expect(results[2]?.mismatches).toEqual([
      'lane: expected batch, got realtime',
      'missedSavings: expected false, got true',
    ]);
    expect(results[2]?.decision.reason).toContain('came synchronously');
  });

  it('names the line of a bad case', () => {
    const bad = ['cases:', '  - request: { workload: x, model: gpt-4o }', '    expect: { lane: slow }'].join(
      '\n',
    );
    try {
      parseCases(bad, 'cases.yaml', policy);
      expect.unreachable();
    } catch (error) {
      expect((error as PolicyError).lines()).toEqual([
        'cases.yaml:3:21: cases[0].expect.lane: expected realtime, flex or batch',
      ]);
    }
    expect(() => parseCases('cases: []\n', 'cases.yaml', policy)).toThrow('cases: list at least one case');
  });
});
