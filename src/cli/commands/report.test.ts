import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../test/helpers/cli.js';
import { generateHistory } from '../../report/demo/generate-history.js';
import { usageJsonlLines } from '../../report/demo/writers/usage-jsonl.js';

describe('spendwall report', () => {
  it('prints the summary, writes the Markdown and HTML reports, and replays a proposed policy', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'spendwall-report-'));
    const usage = join(folder, 'usage.jsonl');
    writeFileSync(
      usage,
      `${[...usageJsonlLines(generateHistory({ scale: 0.02, days: 14 }).records)].join('\n')}\nnot json\n`,
    );
    const policy = join(folder, 'proposed.yaml');
    writeFileSync(
      policy,
      'version: 1\ndefault: { urgency: interactive }\nworkloads:\n  eval-suite: { urgency: deferrable, deadline: 24h }\n',
    );
    const outDir = join(folder, 'report');
    const result = await runCli(
      ['report', '--import', `jsonl:${usage}`, '--policy', policy, '--out-dir', outDir],
      {
        SPENDWALL_HOME: folder,
      },
    );
    expect(result.stderr).toMatch(/usage\.jsonl line \d+: .*\n.*1 row\(s\) left out of the report/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Spendwall spend review — 2026-10-26 → 2026-11-08/);
    expect(result.stdout).toMatch(/eval-suite +batchable/);
    expect(result.stdout).toMatch(/What-if under the proposed policy/);
    expect(readFileSync(join(outDir, 'spendwall-report.md'), 'utf8')).toMatch(/## Batch and flex candidates/);
    expect(readFileSync(join(outDir, 'spendwall-report.html'), 'utf8')).toMatch(/data-chart="spend-by-lane"/);

    const json = await runCli(['report', '--import', `jsonl:${usage}`, '--json', '--no-files'], {
      SPENDWALL_HOME: folder,
    });
    const parsed = JSON.parse(json.stdout) as {
      workloads: { workload: string; verdict: string; evidence: unknown }[];
    };
    const evalSuite = parsed.workloads.find((workload) => workload.workload === 'eval-suite')!;
    expect(evalSuite.verdict).toBe('batchable');
    expect(evalSuite.evidence).toHaveProperty('signals');
  });

  it('says what to give when there is nothing to read', async () => {
    const result = await runCli(['report']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/nothing to read: give --import FORMAT:PATH/);
  });
});

describe('spendwall demo', () => {
  it('generates the history in three formats and writes the full report', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'spendwall-demo-'));
    const result = await runCli(
      ['demo', '--out-dir', folder, '--scale', '0.02'],
      { SPENDWALL_HOME: folder },
      120_000,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Generated [\d,]+ requests of 25 workloads/);
    expect(result.stdout).toMatch(/nightly-ticket-classify +batchable/);
    for (const file of [
      'history/usage.jsonl',
      'history/litellm-spend-logs.csv',
      'history/otlp-traces.jsonl',
      'proposed-policy.yaml',
      'spendwall-report.md',
      'spendwall-report.html',
    ]) {
      expect(readFileSync(join(folder, file), 'utf8').length, file).toBeGreaterThan(100);
    }
  });
});
