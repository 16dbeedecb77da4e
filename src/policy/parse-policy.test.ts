import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PolicyError } from './issues.js';
import { parsePolicy } from './parse-policy.js';

/** The `file:line:column: field: message` lines a policy's problems print as. */
function problems(text: string): string[] {
  try {
    parsePolicy(text, 'spendwall.yaml');
  } catch (error) {
    if (error instanceof PolicyError) return error.lines();
    throw error;
  }
  throw new Error('expected the policy to be refused');
}

describe('parsePolicy', () => {
  it('reads the example policy at the repository root', () => {
    const policy = parsePolicy(readFileSync('spendwall.yaml', 'utf8'), 'spendwall.yaml');
    expect(policy.workloads.map((rule) => rule.pattern)).toContain('eval-*');
    expect(policy.default).toMatchObject({ urgency: 'interactive', workload: 'unlabeled' });
    expect(policy.models['fast']).toEqual({ provider: 'openai', model: 'gpt-5-mini' });
    expect(policy.providers.openai).toEqual({ apiKey: { env: 'OPENAI_API_KEY' } });
    expect(policy.priceBook.priceFor('openai', 'ft:gpt-4.1-mini:acme:support:abc123')?.realtime.input).toBe(
      0.8,
    );
  });

  it('fills in defaults: unlabeled traffic interactive, batch from 1h, enforce off, no private webhooks', () => {
    const policy = parsePolicy('version: 1\n');
    expect(policy.default).toEqual({ pattern: 'default', urgency: 'interactive', workload: 'unlabeled' });
    expect(policy.gateway).toEqual({
      enforce: false,
      batchMinimumDeadlineMs: 3_600_000,
      allowPrivateWebhooks: false,
    });
    expect(policy.workloads).toEqual([]);
    // A gateway section that leaves the key out gets the same default.
    expect(parsePolicy('version: 1\ngateway: { enforce: true }\n').gateway.allowPrivateWebhooks).toBe(false);
  });

  it('reads gateway.allowPrivateWebhooks, and refuses anything but a boolean where it is written', () => {
    expect(parsePolicy('version: 1\ngateway:\n  allowPrivateWebhooks: true\n').gateway).toEqual({
      enforce: false,
      batchMinimumDeadlineMs: 3_600_000,
      allowPrivateWebhooks: true,
    });
    expect(problems('version: 1\ngateway:\n  allowPrivateWebhooks: "yes"\n')).toEqual([
      'spendwall.yaml:3:25: gateway.allowPrivateWebhooks: expected true or false',
    ]);
  });

  it('keeps workloads in file order with their deadlines in milliseconds', () => {
    const policy = parsePolicy(
      'version: 1\nworkloads:\n  nightly-*: { urgency: deferrable, deadline: 12h }\n  chat: { urgency: interactive, description: a customer }\n',
    );
    expect(policy.workloads).toEqual([
      { pattern: 'nightly-*', urgency: 'deferrable', deadline: '12h', deadlineMs: 43_200_000 },
      { pattern: 'chat', urgency: 'interactive', description: 'a customer' },
    ]);
  });

  it('names file, line, column and field of a bad duration', () => {
    const text = [
      'version: 1',
      'workloads:',
      '  eval-*:',
      '    urgency: deferrable',
      '    deadline: soon',
    ].join('\n');
    expect(problems(text)).toEqual([
      'spendwall.yaml:5:15: workloads.eval-*.deadline: expected a duration like 15m, 12h, 24h',
    ]);
    expect(problems('version: 1\nworkloads:\n  x: { urgency: deferrable, deadline: 0m }\n')).toEqual([
      'spendwall.yaml:3:39: workloads.x.deadline: must be longer than zero',
    ]);
  });

  it('reports YAML syntax errors with their place', () => {
    const [line] = problems('version: 1\nworkloads:\n  a: { urgency: deferrable\n');
    expect(line).toMatch(/^spendwall\.yaml:\d+:\d+: YAML syntax: /);
    expect(problems('version: 1\nversion: 1\n')[0]).toMatch(
      /^spendwall\.yaml:2:1: YAML syntax: Map keys must be unique/,
    );
  });

  it('refuses unknown keys at their own position, suggesting the likely one', () => {
    const text = [
      'version: 1',
      'workloads:',
      '  eval-*:',
      '    urgency: deferrable',
      '    dedline: 12h',
      'gatway: {}',
    ].join('\n');
    expect(problems(text)).toEqual([
      'spendwall.yaml:5:5: workloads.eval-*.dedline: unknown field (did you mean deadline?); expected one of urgency, deadline, lane, description',
      'spendwall.yaml:6:1: gatway: unknown field (did you mean gateway?); expected one of version, default, workloads, providers, models, gateway, prices',
    ]);
  });

  it('refuses an unknown provider, listing the supported ones', () => {
    expect(problems('version: 1\nproviders:\n  opneai: {}\n')).toEqual([
      'spendwall.yaml:3:3: providers.opneai: unknown field (did you mean openai?); expected one of openai, anthropic',
    ]);
  });

  it('says which required field is missing, and where', () => {
    expect(problems('workloads: {}\n')).toEqual(['spendwall.yaml:1:1: version: is required']);
    expect(problems('version: 1\nworkloads:\n  eval-*:\n    deadline: 1h\n')).toEqual([
      'spendwall.yaml:4:5: workloads.eval-*.urgency: is required',
    ]);
    expect(problems('version: 2\n')).toEqual(['spendwall.yaml:1:10: version: expected version: 1']);
    expect(problems('version: 1\nworkloads:\n  eval-*:\n')).toEqual([
      'spendwall.yaml:3:10: workloads.eval-*: is empty; expected fields urgency, deadline, lane, description',
    ]);
    expect(problems('- version: 1\n')[0]).toMatch(
      /^spendwall\.yaml:1:1: is not a mapping; expected fields version, /,
    );
  });

  it('refuses a secret written as a literal, without repeating it', () => {
    const lines = problems('version: 1\nproviders:\n  openai:\n    apiKey: sk-live-abcdef1234567890\n');
    expect(lines).toEqual([
      'spendwall.yaml:4:13: providers.openai.apiKey: a secret must not be written in the policy file; write { env: VARIABLE_NAME } and set that variable',
    ]);
    expect(lines.join('\n')).not.toContain('sk-live');
  });

  it('refuses credentials in a base URL and a bad variable name', () => {
    const text = [
      'version: 1',
      'providers:',
      '  openai:',
      '    baseURL: https://user:secret@proxy.example.com/v1',
      '    apiKey: { env: "OPENAI KEY" }',
    ].join('\n');
    const lines = problems(text);
    expect(lines).toEqual([
      'spendwall.yaml:4:14: providers.openai.baseURL: must not carry credentials; put the key in apiKey: { env: VARIABLE_NAME }',
      'spendwall.yaml:5:20: providers.openai.apiKey.env: expected the name of an environment variable, like OPENAI_API_KEY',
    ]);
    expect(lines.join('\n')).not.toContain('secret@');
  });

  it('refuses an interactive workload with a slower lane or a deadline (the hard rule)', () => {
    const text = [
      'version: 1',
      'workloads:',
      '  support-chat:',
      '    urgency: interactive',
      '    lane: batch',
      '  search:',
      '    urgency: interactive',
      '    deadline: 15m',
    ].join('\n');
    expect(problems(text)).toEqual([
      'spendwall.yaml:5:11: workloads.support-chat.lane: interactive work always runs realtime (a person is waiting), so lane: batch is not allowed; make the workload deferrable to use batch',
      'spendwall.yaml:8:15: workloads.search.deadline: interactive work has no deadline (a person is waiting now); remove it, or make the workload deferrable',
    ]);
    expect(problems('version: 1\ndefault: { urgency: interactive, lane: flex }\n')[0]).toContain(
      'default.lane: interactive work always runs realtime',
    );
  });

  it('refuses bad workload names, model aliases and batch minimums', () => {
    const text = [
      'version: 1',
      'workloads:',
      '  "eval suite": { urgency: deferrable }',
      'models:',
      '  fast: { provider: mistral, model: small }',
      'gateway: { enforce: yes, batchMinimumDeadline: 48h }',
    ].join('\n');
    expect(problems(text)).toEqual([
      'spendwall.yaml:3:3: workloads["eval suite"]: a workload name is letters, digits and . _ : / @ -, with * as a wildcard',
      'spendwall.yaml:5:21: models.fast.provider: expected a provider Spendwall supports: openai, anthropic',
      'spendwall.yaml:6:21: gateway.enforce: expected true or false',
      "spendwall.yaml:6:48: gateway.batchMinimumDeadline: must be at most 24h, the providers' batch completion window",
    ]);
  });

  it('points price problems at their line, including what only the catalog can tell', () => {
    const negative = [
      'version: 1',
      'prices:',
      '  openai:',
      '    gpt-4.1:',
      '      batch: { input: -1 }',
    ].join('\n');
    expect(problems(negative)).toEqual([
      'spendwall.yaml:5:23: prices.openai["gpt-4.1"].batch.input: must not be negative',
    ]);
    const unknownModel = [
      'version: 1',
      'prices:',
      '  openai:',
      '    my-model:',
      '      batch: { input: 1 }',
    ].join('\n');
    expect(problems(unknownModel)).toEqual([
      'spendwall.yaml:5:7: prices.openai.my-model.realtime: my-model is not in the price catalog, so its realtime prices must be given (at least input)',
    ]);
  });

  it('lists every problem at once in the error message', () => {
    const error = (() => {
      try {
        parsePolicy('version: 3\nextra: 1\n', 'policy.yaml');
      } catch (caught) {
        return caught as PolicyError;
      }
    })();
    expect(error).toBeInstanceOf(PolicyError);
    expect(error?.code).toBe('invalid_config');
    expect(error?.message).toBe(
      '2 problems:\n  policy.yaml:1:10: version: expected version: 1\n  policy.yaml:2:1: extra: unknown field; expected one of version, default, workloads, providers, models, gateway, prices',
    );
  });
});
