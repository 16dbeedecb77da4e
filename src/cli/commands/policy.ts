import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import { defaultPolicy } from '../../policy/default-policy.js';
import {
  explainPolicy,
  findPolicyFile,
  loadPolicy,
  type Policy,
  PolicyError,
  parseCases,
  renderExplainMarkdown,
  runCases,
} from '../../policy/index.js';
import { formatWindow } from '../../policy/plan.js';

interface PolicyFlags {
  config?: string;
  json?: boolean;
}

const configHelp = 'the policy file (default: $SPENDWALL_CONFIG, else ./spendwall.yaml)';

/** `spendwall policy check | explain | test`: the routing policy, validated, rendered and tried. */
export function registerPolicyCommands(program: Command): void {
  const policy = program
    .command('policy')
    .description('Check, explain and test the routing policy (spendwall.yaml). See docs/policy.md.');

  policy
    .command('check')
    .description('Validate the policy file; problems are listed with their line and column.')
    .option('-c, --config <file>', configHelp)
    .action(async (flags: PolicyFlags) => {
      const loaded = await readPolicy(flags.config);
      if (!loaded) return;
      console.log(`${loaded.source}: ok (${summarize(loaded)})`);
    });

  policy
    .command('explain')
    .description('Print the policy as a Markdown table (workload, who waits, urgency, lane, deadline, why).')
    .option('-c, --config <file>', configHelp)
    .option('--json', 'print the rows as JSON')
    .action(async (flags: PolicyFlags) => {
      const loaded = await readPolicy(flags.config);
      if (!loaded) return;
      if (flags.json) {
        const { source, gateway } = loaded;
        const document = {
          source,
          batchMinimumDeadline: formatWindow(gateway.batchMinimumDeadlineMs),
          enforce: gateway.enforce,
          workloads: explainPolicy(loaded),
        };
        console.log(JSON.stringify(document, null, 2));
      } else {
        process.stdout.write(renderExplainMarkdown(loaded));
      }
    });

  policy
    .command('test')
    .description('Route example requests through the policy and compare each lane with the expected one.')
    .argument(
      '<cases>',
      'YAML: cases: [{ request: { workload, model, provider?, endpoint?, async? }, expect: { lane, urgency? } }]',
    )
    .option('-c, --config <file>', configHelp)
    .action(async (casesPath: string, flags: PolicyFlags) => {
      const loaded = await readPolicy(flags.config);
      if (!loaded) return;
      let text: string;
      try {
        text = await readFile(casesPath, 'utf8');
      } catch (error) {
        throw new ConfigError(`cannot read the cases file: ${(error as Error).message}`, {
          place: casesPath,
        });
      }
      let cases: ReturnType<typeof parseCases>;
      try {
        cases = parseCases(text, casesPath, loaded);
      } catch (error) {
        if (!(error instanceof PolicyError)) throw error;
        for (const line of error.lines()) console.error(line);
        process.exitCode = 2;
        return;
      }
      const results = runCases(loaded, cases);
      for (const result of results) {
        const where = `${casesPath}:${result.case.position.line}:${result.case.position.column}`;
        const verdict = result.passed ? 'pass' : 'FAIL';
        const detail = result.passed ? result.decision.lane : result.mismatches.join('; ');
        console.log(`${verdict}  ${where}  ${result.case.name}: ${detail}`);
        console.log(`      ${result.decision.reason}`);
      }
      const failed = results.filter((result) => !result.passed).length;
      console.log(
        `\n${results.length - failed} passed, ${failed} failed (policy: ${loaded.source}, cases: ${casesPath})`,
      );
      if (failed > 0) process.exitCode = 1;
    });
}

/**
 * The policy the command works on. Problems in the file are printed one per line
 * (`spendwall.yaml:12:5: field: message`) with exit code 2, and `undefined` is returned.
 */
async function readPolicy(flag: string | undefined): Promise<Policy | undefined> {
  const path = findPolicyFile(flag);
  if (path === undefined) {
    console.error(
      'spendwall: no policy file (./spendwall.yaml, --config or SPENDWALL_CONFIG); the built-in default ' +
        'policy applies: every request is interactive and runs realtime.',
    );
    return defaultPolicy;
  }
  try {
    return await loadPolicy(path);
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    for (const line of error.lines()) console.error(line);
    console.error(
      `spendwall: ${path}: ${error.issues.length} problem${error.issues.length === 1 ? '' : 's'}`,
    );
    process.exitCode = 2;
    return undefined;
  }
}

function summarize(policy: Policy): string {
  const count = (n: number, word: string, plural = `${word}s`) => `${n} ${n === 1 ? word : plural}`;
  const interactive = policy.workloads.filter((rule) => rule.urgency === 'interactive').length;
  const deferrable = policy.workloads.length - interactive;
  const priced = Object.values(policy.prices).reduce(
    (total, models) => total + Object.keys(models).length,
    0,
  );
  return [
    `${count(policy.workloads.length, 'workload')} (${interactive} interactive, ${deferrable} deferrable)`,
    `unlabeled traffic ${policy.default.urgency}`,
    count(Object.keys(policy.models).length, 'model alias', 'model aliases'),
    count(Object.keys(policy.providers).length, 'provider'),
    count(priced, 'price override'),
    `batch from ${formatWindow(policy.gateway.batchMinimumDeadlineMs)}`,
    `enforce ${policy.gateway.enforce ? 'on' : 'off'}`,
  ].join('; ');
}
