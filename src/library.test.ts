import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chatLine, createEngineHarness, type EngineHarness } from './batch/test-harness.js';
import { createSpendwall, type JobResult } from './index.js';

let harness: EngineHarness | undefined;
afterEach(async () => {
  await harness?.dispose();
  harness = undefined;
});

describe('createSpendwall', () => {
  it('submits a job, streams every result once as it becomes final, and resolves with the summary', async () => {
    harness = await createEngineHarness({
      clock: { instant: true },
      faults: { batches: { lineRetryable: 0.2 } },
    });
    const spendwall = await createSpendwall({
      database: join(harness.folder, 'library.db'),
      home: harness.folder,
      providers: harness.providers,
      settings: harness.settings,
    });
    const lines = Array.from({ length: 120 }, (_, index) => chatLine(index + 1));
    const job = spendwall.submit({
      inputPath: harness.writeInput('library.jsonl', lines),
      outputPath: join(harness.folder, 'library-results.jsonl'),
      workload: 'library-test',
      maxAttempts: 8,
    });
    const results: JobResult[] = [];
    for await (const result of job.results()) results.push(result);
    const summary = await job.done;
    await spendwall.close();

    expect(summary.requests.succeeded).toBe(120);
    expect(await job.id()).toBe(summary.jobId);
    expect(results).toHaveLength(120);
    expect(new Set(results.map((result) => result.customId)).size).toBe(120);
    expect(results.every((result) => result.status === 'succeeded' && result.lane === 'batch')).toBe(true);
    expect(results.some((result) => result.attempts > 1)).toBe(true);
    expect((results[0]!.response as { object: string }).object).toBe('chat.completion');
  });
});
