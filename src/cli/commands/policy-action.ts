import { readFile } from 'node:fs/promises';
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
import type { PolicyFlags } from './policy.js';

/* `spendwall policy check | explain | test`: loaded only when one of them runs (see policy.ts). */

export async function checkPolicyCommand(flags: PolicyFlags): Promise<void> {
  const loaded = await readPolicy(flags.config);
  if (!loaded) return;
  console.log(`${loaded.source}: ok (${summarize(loaded)})`);
}

export async function explainPolicyCommand(flags: PolicyFlags): Promise<void> {
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
}

export async function testPolicyCommand(casesPath: string, flags: PolicyFlags): Promise<void> {
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
    `webhooks ${policy.gateway.allowPrivateWebhooks ? 'to any address' : 'to public addresses only'}`,
  ].join('; ');
}
