import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../test/helpers/cli.js';

const folder = mkdtempSync(join(tmpdir(), 'spendwall-policy-cli-'));
const badPolicy = join(folder, 'bad.yaml');
writeFileSync(
  badPolicy,
  [
    'version: 1',
    'workloads:',
    '  eval-*:',
    '    urgency: deferrable',
    '    deadline: tomorrow',
    '  chat: { urgency: interactive, lane: flex }',
  ].join('\n'),
);
const failingCases = join(folder, 'failing.yaml');
writeFileSync(
  failingCases,
  [
    'cases:',
    '  - name: wrong on purpose',
    '    request: { workload: support-chat, model: gpt-5-mini }',
    '    expect: { lane: batch }',
  ].join('\n'),
);
const privateWebhooks = join(folder, 'private-webhooks.yaml');
writeFileSync(privateWebhooks, 'version: 1\ngateway:\n  allowPrivateWebhooks: true\n');
const badPrivateWebhooks = join(folder, 'bad-private-webhooks.yaml');
writeFileSync(badPrivateWebhooks, 'version: 1\ngateway:\n  enforce: false\n  allowPrivateWebhooks: 1\n');
const badCases = join(folder, 'bad-cases.yaml');
writeFileSync(badCases, 'cases:\n  - request: { workload: x }\n    expect: { lane: batch }\n');

describe('spendwall policy', () => {
  it('check: says ok with counts, exit 0', async () => {
    const result = await runCli(['policy', 'check']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^spendwall\.yaml: ok \(7 workloads \(2 interactive, 5 deferrable\);/);
  });

  it('check: lists every problem with file, line and column, exit 2', async () => {
    const result = await runCli(['policy', 'check', '--config', badPolicy]);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')).toEqual([
      `${badPolicy}:5:15: workloads.eval-*.deadline: expected a duration like 15m, 12h, 24h`,
      `${badPolicy}:6:39: workloads.chat.lane: interactive work always runs realtime (a person is waiting), so lane: flex is not allowed; make the workload deferrable to use flex`,
      `spendwall: ${badPolicy}: 2 problems`,
      '',
    ]);
  });

  it('check: accepts gateway.allowPrivateWebhooks as a boolean, and names line and column otherwise', async () => {
    const accepted = await runCli(['policy', 'check', '--config', privateWebhooks]);
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toContain(`${privateWebhooks}: ok (`);
    expect(accepted.stdout).toContain('; webhooks to any address)');
    const refused = await runCli(['policy', 'check', '--config', badPrivateWebhooks]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.split('\n')).toEqual([
      `${badPrivateWebhooks}:4:25: gateway.allowPrivateWebhooks: expected true or false`,
      `spendwall: ${badPrivateWebhooks}: 1 problem`,
      '',
    ]);
  });

  it('explain: a Markdown table, or JSON; SPENDWALL_CONFIG names the file', async () => {
    const markdown = await runCli(['policy', 'explain']);
    expect(markdown.code).toBe(0);
    expect(markdown.stdout).toContain('| workload | who waits | urgency | lane | deadline | why |');
    expect(markdown.stdout).toContain(
      '| `ticket-triage` | the support queue, within minutes | deferrable | flex | 15m |',
    );
    const json = await runCli(['policy', 'explain', '--json'], { SPENDWALL_CONFIG: 'spendwall.yaml' });
    const document = JSON.parse(json.stdout) as {
      batchMinimumDeadline: string;
      workloads: { workload: string; lane: string }[];
    };
    expect(document.batchMinimumDeadline).toBe('1h');
    expect(document.workloads.find((row) => row.workload === 'eval-*')?.lane).toBe('batch');
  });

  it('test: exit 0 when every case passes, 1 on a failed case, 2 on a bad cases file', async () => {
    const passing = await runCli(['policy', 'test', 'examples/policy-cases.yaml']);
    expect(passing.code).toBe(0);
    expect(passing.stdout).toContain('9 passed, 0 failed');

    const failing = await runCli(['policy', 'test', failingCases]);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toContain(
      `FAIL  ${failingCases}:2:5  wrong on purpose: lane: expected batch, got realtime`,
    );
    expect(failing.stdout).toContain(
      'support-chat is interactive (a person is waiting), so it runs realtime.',
    );

    const bad = await runCli(['policy', 'test', badCases]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${badCases}:2:14: cases[0].request.model: is required`);
  });
});

describe('spendwall run under the policy', () => {
  it('refuses a workload the policy calls interactive before reading or sending anything', async () => {
    const result = await runCli([
      'run',
      'examples/requests.jsonl',
      '--workload',
      'support-chat',
      '--emulator',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'spendwall: --workload: spendwall.yaml says support-chat is interactive (workloads.support-chat): a person is waiting for it, so it must not go to the batch lane.',
    );
  });
});
