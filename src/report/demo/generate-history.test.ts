import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeUsage, isMove } from '../analyze.js';
import { readUsage } from '../import/index.js';
import type { UsageRecord } from '../usage-record.js';
import { generateHistory } from './generate-history.js';
import { demoWorkloads } from './workload-catalog.js';
import { litellmCsvLines } from './writers/litellm-csv.js';
import { writeLines } from './writers/write-lines.js';

/**
 * The finder graded against the generator's ground truth. The truth (which workloads are really
 * batchable, what moving them saves) comes from the generator's own definitions and its own
 * pricing of each request, never from the finder's code. One history goes the long way, through
 * a LiteLLM spend-log CSV and its importer, as a user's would.
 */
/** The records as they come back from a LiteLLM spend-log CSV, through its importer. */
async function throughLitellm(records: Iterable<UsageRecord>): Promise<AsyncIterable<UsageRecord>> {
  const folder = await mkdtemp(join(tmpdir(), 'spendwall-truth-'));
  const path = join(folder, 'spend-logs.csv');
  await writeLines(path, litellmCsvLines(records));
  const issues: string[] = [];
  async function* read(): AsyncGenerator<UsageRecord> {
    try {
      yield* readUsage({ format: 'litellm', path }, { onIssue: (issue) => issues.push(issue.message) });
      expect(issues).toEqual([]);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }
  return read();
}

describe.each([
  { seed: 'spendwall-demo', scale: 0.2, via: 'records' },
  { seed: 7, scale: 0.1, via: 'records' },
  { seed: 'another week', scale: 0.5, via: 'records' },
  { seed: 'through litellm', scale: 0.1, via: 'litellm' },
])('finder on the generated history (seed $seed, scale $scale, via $via)', ({ seed, scale, via }) => {
  it('finds the batchable workloads, never moves a waiting person, and estimates the saving within 10%', async () => {
    const history = generateHistory({ seed, scale });
    const analysis = await analyzeUsage(
      via === 'litellm' ? await throughLitellm(history.records) : history.records,
    );
    const truth = history.truth();
    expect(truth.workloads.length).toBeGreaterThanOrEqual(20);

    const verdicts = new Map(analysis.findings.map((finding) => [finding.workload, finding]));
    const predictedBatchable = analysis.findings.filter((finding) => finding.verdict === 'batchable');
    const trulyBatchable = truth.workloads.filter((workload) => workload.truth === 'batchable');
    const truePositives = predictedBatchable.filter(
      (finding) =>
        truth.workloads.find((workload) => workload.reportedAs === finding.workload)?.truth === 'batchable',
    );
    const precision = truePositives.length / predictedBatchable.length;
    const recall = truePositives.length / trulyBatchable.length;
    expect(precision).toBeGreaterThanOrEqual(0.95);
    expect(recall).toBeGreaterThanOrEqual(0.85);

    for (const workload of truth.workloads.filter((candidate) => candidate.truth === 'interactive')) {
      const finding = verdicts.get(workload.reportedAs);
      expect(finding, workload.reportedAs).toBeDefined();
      expect(isMove(finding!.verdict), `${workload.reportedAs} is interactive`).toBe(false);
    }

    const trueSaving = truth.workloads.reduce((sum, workload) => sum + workload.monthlySavingNanoUsd, 0);
    const estimated = analysis.findings.reduce((sum, finding) => sum + finding.estimate.monthlyNanoUsd, 0);
    expect(trueSaving).toBeGreaterThan(0);
    expect(Math.abs(estimated - trueSaving) / trueSaving).toBeLessThanOrEqual(0.1);

    console.info(
      `seed ${seed}, scale ${scale}, via ${via}: ${truth.rows} rows, ${truth.workloads.length} workloads; batchable precision ` +
        `${precision.toFixed(3)}, recall ${recall.toFixed(3)}; estimated $${(estimated / 1e9).toFixed(2)}/month vs ` +
        `truth $${(trueSaving / 1e9).toFixed(2)} (${(((estimated - trueSaving) / trueSaving) * 100).toFixed(2)}%)`,
    );
  });
});

describe('generated history', () => {
  it('is the same for the same seed and covers every kind of workload', () => {
    const first = [...generateHistory({ seed: 3, scale: 0.02, days: 3 }).records];
    const second = [...generateHistory({ seed: 3, scale: 0.02, days: 3 }).records];
    expect(second).toEqual(first);
    const kinds = new Set(demoWorkloads.map((workload) => workload.truth));
    expect([...kinds].sort()).toEqual(['batchable', 'flex-able', 'interactive', 'unknown']);
  });

  it('stops at maxRows', () => {
    expect([...generateHistory({ maxRows: 1234 }).records]).toHaveLength(1234);
  });
});
