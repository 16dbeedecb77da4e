import { afterEach, describe, expect, it } from 'vitest';
import { requestCancel } from '../store/jobs.js';
import { testDatabases } from '../store/test-databases.js';
import { runJob } from './run-job.js';
import {
  anthropicLine,
  chatLine,
  createEngineHarness,
  type EngineHarness,
  embeddingLine,
} from './test-harness.js';

let harness: EngineHarness | undefined;

/** An emulator whose batches take an emulated hour: a job's deadline comes far sooner. */
const hourLongBatches = {
  clock: { scale: 1 },
  timing: { validatingSeconds: 0, minProcessingSeconds: 3600, secondsPerRequest: 0, cancellingSeconds: 0 },
};
afterEach(async () => {
  await harness?.dispose();
  harness = undefined;
});

describe('runJob', () => {
  it('runs a mixed job through both providers and writes one result per line, in input order', async () => {
    harness = await createEngineHarness();
    const lines = [
      ...Array.from({ length: 30 }, (_, index) => chatLine(index + 1)),
      ...Array.from({ length: 10 }, (_, index) => embeddingLine(index + 1)),
      ...Array.from({ length: 10 }, (_, index) => anthropicLine(index + 1)),
    ];
    const input = harness.writeInput('mixed.jsonl', lines);
    const output = `${harness.folder}/results.jsonl`;
    const summary = await runJob(
      { inputPath: input, outputPath: output, workload: 'nightly-classify' },
      { store: harness.store, providers: harness.providers, settings: harness.settings },
    );

    expect(summary.state).toBe('completed');
    expect(summary.accepted).toBe(50);
    expect(summary.requests.succeeded).toBe(50);
    const results = harness.readResults(output);
    expect(results.map((result) => result['custom_id'])).toEqual(lines.map((line) => line.custom_id));
    expect(results.map((result) => result['line'])).toEqual(lines.map((_, index) => index + 1));
    expect(new Set(results.map((result) => result['lane']))).toEqual(new Set(['batch']));
    const first = results[0] as { response: { status_code: number; body: { object: string } } };
    expect(first.response.status_code).toBe(200);
    expect(first.response.body.object).toBe('chat.completion');
    // One provider batch per (provider, endpoint, model) group.
    expect(harness.emulator.record.batches).toHaveLength(3);

    // Batch prices are half the real-time ones for these models: the summary says so in money.
    expect(summary.costNanoUsd).toBeGreaterThan(0);
    expect(summary.realtimeCostNanoUsd).toBe(summary.costNanoUsd * 2);
    const paid = results.reduce((sum, result) => sum + Math.round((result['cost_usd'] as number) * 1e9), 0);
    expect(Math.abs(paid - summary.costNanoUsd)).toBeLessThanOrEqual(results.length);
  });

  it('retries lines that failed in a way a retry can fix, in new provider batches, and reports invalid ones once', async () => {
    harness = await createEngineHarness({
      clock: { instant: true },
      faults: { batches: { lineRetryable: 0.3, lineInvalid: 0.1 } },
    });
    const lines = Array.from({ length: 200 }, (_, index) => chatLine(index + 1));
    const output = `${harness.folder}/results.jsonl`;
    const summary = await runJob(
      {
        inputPath: harness.writeInput('faulty.jsonl', lines),
        outputPath: output,
        workload: 'eval',
        maxAttempts: 6,
      },
      { store: harness.store, providers: harness.providers, settings: harness.settings },
    );
    const results = harness.readResults(output);
    expect(results).toHaveLength(200);
    const invalid = results.filter((result) => result['status'] === 'failed_invalid');
    const retried = results.filter(
      (result) => result['status'] === 'succeeded' && (result['attempts'] as number) > 1,
    );
    expect(invalid.length).toBeGreaterThan(5);
    expect(retried.length).toBeGreaterThan(20);
    // An invalid outcome is never followed by another try (a line may turn invalid on a later try:
    // faults are drawn per batch); every other line succeeds within six tries.
    const attempts = await harness.store.driver.all<{ line: number; attempt: number; outcome: string }>(
      'SELECT line, attempt, outcome FROM attempts ORDER BY line, attempt',
    );
    const lastAttempt = new Map<number, number>();
    for (const row of attempts) lastAttempt.set(Number(row.line), Number(row.attempt));
    const invalidAttempts = attempts.filter((row) => row.outcome === 'failed_invalid');
    expect(invalidAttempts).toHaveLength(invalid.length);
    for (const row of invalidAttempts) expect(lastAttempt.get(Number(row.line))).toBe(Number(row.attempt));
    // A line can fail retryably on all six tries (0.3^6 per line); it then ends failed_retryable
    // having spent every try, never earlier.
    const exhausted = results.filter((result) => result['status'] === 'failed_retryable');
    expect(exhausted.every((result) => result['attempts'] === 6)).toBe(true);
    expect(summary.requests.succeeded + summary.requests.failed_invalid + exhausted.length).toBe(200);
    expect(harness.emulator.record.batches.length).toBeGreaterThan(1);
    expect((invalid[0] as { error: { code: string } }).error.code).toBeTruthy();
  });

  it('resumes the same job when the same command runs again, without a second provider batch', async () => {
    harness = await createEngineHarness({ clock: { scale: 0 } });
    const lines = Array.from({ length: 20 }, (_, index) => chatLine(index + 1));
    const input = harness.writeInput('resume.jsonl', lines);
    const output = `${harness.folder}/results.jsonl`;
    const stop = new AbortController();
    const options = { inputPath: input, outputPath: output, workload: 'backfill' };
    // The clock stands still, so the batch cannot finish; stop the runner once it is submitted.
    const first = runJob(options, {
      store: harness.store,
      providers: harness.providers,
      settings: harness.settings,
      signal: stop.signal,
      onProgress: (progress) => {
        if ((progress.batches['validating'] ?? 0) + (progress.batches['in_progress'] ?? 0) > 0) stop.abort();
      },
    });
    await expect(first).rejects.toThrow(/resume/);
    expect(harness.emulator.record.batches).toHaveLength(1);

    harness.emulator.clock.advance(24 * 3_600_000 - 1);
    const summary = await runJob(options, {
      store: harness.store,
      providers: harness.providers,
      settings: harness.settings,
    });
    expect(summary.resumed).toBe(true);
    expect(summary.requests.succeeded).toBe(20);
    expect(harness.emulator.record.batches).toHaveLength(1);
    expect(harness.readResults(output)).toHaveLength(20);
  });

  it('with --on-deadline fail, ends what the batch lane could not finish as expired', async () => {
    harness = await createEngineHarness(hourLongBatches);
    const lines = Array.from({ length: 10 }, (_, index) => chatLine(index + 1));
    const output = `${harness.folder}/results.jsonl`;
    const summary = await runJob(
      {
        inputPath: harness.writeInput('strict-deadline.jsonl', lines),
        outputPath: output,
        workload: 'triage',
        deadlineMs: 300,
        onDeadline: 'fail',
      },
      {
        store: harness.store,
        providers: harness.providers,
        settings: { ...harness.settings, deadlineReserveMs: 100 },
      },
    );
    expect(summary.requests.expired).toBe(10);
    const results = harness.readResults(output);
    expect(
      results.every((result) => (result['error'] as { code: string }).code === 'deadline_exceeded'),
    ).toBe(true);
  });

  it('cancels a running job: provider batches are cancelled and nothing runs again', async () => {
    harness = await createEngineHarness({ clock: { scale: 0 }, timing: { cancellingSeconds: 0 } });
    const lines = Array.from({ length: 15 }, (_, index) => chatLine(index + 1));
    const output = `${harness.folder}/results.jsonl`;
    let asked = false;
    const summary = await runJob(
      { inputPath: harness.writeInput('cancel.jsonl', lines), outputPath: output, workload: 'backfill' },
      {
        store: harness.store,
        providers: harness.providers,
        settings: harness.settings,
        onProgress: (progress) => {
          if (!asked && (progress.batches['validating'] ?? 0) > 0) {
            asked = true;
            void requestCancel(harness!.store.driver, progress.jobId, Date.now());
          }
        },
      },
    );
    expect(summary.state).toBe('cancelled');
    expect(summary.requests.cancelled).toBe(15);
    expect(harness.emulator.record.batches).toHaveLength(1);
    expect(harness.readResults(output).every((result) => result['status'] === 'cancelled')).toBe(true);
  });

  it('keeps chunks under the enqueued-token limit: a chunk waits for room instead of failing', async () => {
    harness = await createEngineHarness({
      clock: { instant: true },
      limits: { enqueuedTokens: { '*': 3000 } },
    });
    const lines = Array.from({ length: 120 }, (_, index) => chatLine(index + 1));
    const output = `${harness.folder}/results.jsonl`;
    const summary = await runJob(
      { inputPath: harness.writeInput('tokens.jsonl', lines), outputPath: output, workload: 'enrich' },
      {
        store: harness.store,
        providers: harness.providers,
        settings: { ...harness.settings, enqueuedTokenLimits: { 'gpt-4o-mini': 3000 } },
      },
    );
    expect(summary.requests.succeeded).toBe(120);
    expect(harness.emulator.record.batches.length).toBeGreaterThan(1);
    const failed = await Promise.all(
      harness.emulator.record.batches.map((batch) => harness!.providers.openai!.batch.retrieve(batch.id)),
    );
    expect(failed.filter((batch) => batch.ending === 'failed')).toEqual([]);
  });

  it('ends requests of a provider that is not configured with a clear error, and runs the rest', async () => {
    harness = await createEngineHarness();
    const lines = [chatLine(1), anthropicLine(1)];
    const output = `${harness.folder}/results.jsonl`;
    const summary = await runJob(
      { inputPath: harness.writeInput('partial.jsonl', lines), outputPath: output, workload: 'mixed' },
      { store: harness.store, providers: { openai: harness.providers.openai! }, settings: harness.settings },
    );
    expect(summary.requests.succeeded).toBe(1);
    const results = harness.readResults(output);
    expect(results[1]).toMatchObject({
      status: 'failed_invalid',
      error: { code: 'provider_not_configured' },
    });
  });
});

// The deadline runs on both databases: the unlimited tries it binds once overflowed Postgres's
// INTEGER (`9007199254740991 is out of range`), and the job never finished there.
describe.each(testDatabases)('runJob on $name', (created) => {
  let disposeDatabase: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await harness?.dispose();
    harness = undefined;
    await disposeDatabase?.();
    disposeDatabase = undefined;
  });

  it('meets the deadline: cancels the batch, keeps its finished lines and runs the rest on the realtime lane', async () => {
    // Batches take an emulated hour; the job's deadline is far sooner.
    const database = await created.create();
    disposeDatabase = database.dispose;
    harness = await createEngineHarness(hourLongBatches, { databaseUrl: database.url });
    const lines = Array.from({ length: 40 }, (_, index) => chatLine(index + 1));
    const output = `${harness.folder}/results.jsonl`;
    // Counts the synchronous calls in flight: the fallback keeps to its concurrency.
    const openai = harness.providers.openai!;
    let inFlight = 0;
    let mostInFlight = 0;
    const counted = {
      ...openai,
      call: async (request: Parameters<typeof openai.call>[0]) => {
        mostInFlight = Math.max(mostInFlight, ++inFlight);
        try {
          return await openai.call(request);
        } finally {
          inFlight--;
        }
      },
    };
    const summary = await runJob(
      {
        inputPath: harness.writeInput('urgent.jsonl', lines),
        outputPath: output,
        workload: 'triage',
        deadlineMs: 400,
      },
      {
        store: harness.store,
        providers: { ...harness.providers, openai: counted },
        settings: { ...harness.settings, deadlineReserveMs: 200, realtimeConcurrency: 3 },
      },
    );
    expect(mostInFlight).toBe(3);
    expect(summary.state).toBe('completed');
    expect(summary.requests.succeeded).toBe(40);
    const results = harness.readResults(output);
    expect(results.every((result) => result['lane'] === 'realtime')).toBe(true);
    expect(summary.deadlineFallbacks).toBe(40);
    // Real-time costs what it costs: no savings for those requests, and the cost is recorded.
    expect(summary.costNanoUsd).toBe(summary.realtimeCostNanoUsd);
    expect(summary.costNanoUsd).toBeGreaterThan(0);
    // The provider batch was cancelled, not left to run.
    const batch = harness.emulator.record.batches[0]!;
    const state = await harness.providers.openai!.batch.retrieve(batch.id);
    expect(state.ending).toBe('cancelled');
  });
});
