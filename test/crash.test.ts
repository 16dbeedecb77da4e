import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJobInput } from '../src/batch/input/index.js';
import { seededRandom } from '../src/core/random.js';
import { createEmulator, type Emulator, type EmulatorOptions } from '../src/emulator/index.js';
import { migrate } from '../src/store/migrate.js';
import type { SqlDriver } from '../src/store/sql.js';
import { testDatabases } from '../src/store/test-databases.js';
import { type CliProcess, startCli } from './helpers/cli.js';
import {
  chunksOfBatches,
  chunksSubmittedTwice,
  customIdsInTwoBatches,
  explainMismatch,
  lineHistories,
  metadataChunksSubmittedTwice,
  readResults,
  storeBatchIds,
} from './helpers/crash-checks.js';
import { crashCustomId, crashModels, writeCrashInput } from './helpers/crash-input.js';
import { crashKillPlan, describeKillPoint } from './helpers/kill-plan.js';
import { type KillRecord, runWithKills } from './helpers/kill-runner.js';
import { describeOpenChunks, snapshotStore } from './helpers/store-watch.js';

/**
 * The batch lane's promise under fire (issue 3, "Must show"): a 20,000-request job over two
 * providers, against an emulator that fails lines, expires a batch and answers 5% of file and batch
 * calls with 429/5xx, while the runner is SIGKILLed again and again and restarted with the same
 * command. At the end every line has exactly one result, no chunk became two provider batches,
 * and the ledger agrees with the results. Run on SQLite and on Postgres.
 */

const requestCount = 20_000;
const maxAttempts = 3;
const expiredBatchNumbers = [2];
/** Route faults: 5% of calls answered 429, 500 or 503. */
const routeFault = { status429: 0.02, status500: 0.015, status503: 0.015 };
const faultedRoutes = [
  'POST /v1/files',
  'POST /v1/batches',
  'GET /v1/batches',
  'GET /v1/batches/:id',
  'GET /v1/files/:id/content',
  'POST /v1/messages/batches',
  'GET /v1/messages/batches',
  'GET /v1/messages/batches/:id',
  'GET /v1/messages/batches/:id/results',
];

const emulatorOptions: EmulatorOptions = {
  seed: 20_000,
  // 100 emulated seconds per real second: a batch takes one to two real seconds, the 400-second
  // window (and so the batch that expires) four.
  clock: { scale: 100 },
  timing: {
    validatingSeconds: 20,
    secondsPerRequest: 0.03,
    minProcessingSeconds: 60,
    finalizingSeconds: 10,
    cancellingSeconds: 10,
    batchWindowSeconds: 400,
    retryAfterMs: 50,
  },
  faults: {
    batches: {
      lineRetryable: 0.1,
      lineInvalid: 0.02,
      expireBatchNumbers: expiredBatchNumbers,
      expireFinishedFraction: 0.5,
    },
    routes: Object.fromEntries(faultedRoutes.map((route) => [route, routeFault])),
  },
};

/** Time allowed for the last, uninterrupted run to finish the job. */
const finishTimeoutMs = 150_000;
/** Kills, restarts and the final run: one to three minutes on a 2-core machine; the bound leaves room. */
const testTimeoutMs = 360_000;

describe.each(testDatabases)('crash test on $name', (database) => {
  let folder: string;
  let inputPath: string;
  let outputPath: string;
  let emulator: Emulator;
  let emulatorUrl: string;
  let store: { driver: SqlDriver; url: string; dispose(): Promise<void> };
  const running = new Set<CliProcess>();

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), `spendwall-crash-${database.name}-`));
    inputPath = join(folder, 'requests.jsonl');
    outputPath = join(folder, 'results.jsonl');
    await writeCrashInput(inputPath, requestCount);
    store = await database.create();
    // Migrated here, so the test can watch the store from the first runner's first instant.
    await migrate(store.driver);
    emulator = createEmulator(emulatorOptions);
    emulatorUrl = await emulator.listen(0);
  });

  afterAll(async () => {
    for (const run of running) run.child.kill('SIGKILL');
    await Promise.all([...running].map((run) => run.exited));
    await emulator?.close();
    await store?.dispose();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it(
    'ends every line exactly once, submits no chunk twice, and keeps the ledger equal to the results, through SIGKILLs',
    async () => {
      const command = [
        'run',
        inputPath,
        '-o',
        outputPath,
        '--workload',
        'crash-test',
        '--database',
        store.url,
        '--max-attempts',
        String(maxAttempts),
        '--poll-interval',
        '200ms',
        '--json',
        // The CLI has no batch-size flag: enqueued-token limits split each model's work into several
        // provider batches (three chat batches and two Anthropic batches on the first pass).
        ...(await tokenLimitFlags(inputPath)),
      ];
      const environment = {
        OPENAI_API_KEY: 'sk-crash-test',
        OPENAI_BASE_URL: `${emulatorUrl}/v1`,
        ANTHROPIC_API_KEY: 'sk-ant-crash-test',
        ANTHROPIC_BASE_URL: emulatorUrl,
        SPENDWALL_HOME: join(folder, 'home'),
        SPENDWALL_DATABASE_URL: '',
      };
      const start = () => {
        const run = startCli(command, environment);
        running.add(run);
        void run.exited.then(() => running.delete(run));
        return run;
      };

      const plan = crashKillPlan(seededRandom(`crash-test:${database.name}`));
      const { kills, finished } = await runWithKills({
        plan,
        start,
        emulator,
        store: store.driver,
        triggerTimeoutMs: 15_000,
        finishTimeoutMs,
      });
      const killLog = kills.map(describeKill).join('\n');
      console.info(`crash test on ${database.name}:\n${killLog}`);
      expect(finished, `the job finished before the last planned kill:\n${killLog}`).toBeNull();
      if (kills.at(-1)?.fired === 'fallback') {
        throw new Error(
          `the job did not complete within ${finishTimeoutMs / 1000} s of the last restart; open chunks:\n` +
            `${await describeOpenChunks(store.driver)}\nkills:\n${killLog}`,
        );
      }
      expect(kills.length).toBeGreaterThanOrEqual(5);
      const phases = new Set(kills.flatMap((kill) => kill.phases));
      expect([...phases].sort(), killLog).toEqual(
        expect.arrayContaining(['finishing', 'harvest', 'ingest', 'polling', 'submission']),
      );

      // The last runner is left alone to finish.
      const last = start();
      const timer = setTimeout(() => last.child.kill('SIGKILL'), finishTimeoutMs);
      const exit = await last.exited;
      clearTimeout(timer);
      if (exit.signal === 'SIGKILL' || exit.code !== 0) {
        const left = await snapshotStore(store.driver);
        throw new Error(
          `the final run did not finish the job ${exit.signal ? `within ${finishTimeoutMs / 1000} s` : `(exit ${exit.code})`}; ` +
            `store: ${JSON.stringify(left)}\nopen chunks:\n${await describeOpenChunks(store.driver)}\n` +
            `kills:\n${killLog}\n${exit.stdout}\n${exit.stderr.slice(-4000)}`,
        );
      }
      const summary = JSON.parse(exit.stdout) as {
        jobId: string;
        state: string;
        resumed: boolean;
        accepted: number;
        rejected: number;
        costNanoUsd: number;
        realtimeCostNanoUsd: number;
        unpriced: number;
      };
      expect(summary).toMatchObject({
        state: 'completed',
        resumed: true,
        accepted: requestCount,
        rejected: 0,
      });
      const jobs = await store.driver.all<{ id: string }>('SELECT id FROM jobs');
      expect(jobs.map((job) => job.id)).toEqual([summary.jobId]);

      // One result per input line, in input order, each custom_id once, each in a final state.
      const results = readResults(outputPath);
      expect(results).toHaveLength(requestCount);
      expect(results.map((result) => result.line)).toEqual(
        Array.from({ length: requestCount }, (_, i) => i + 1),
      );
      expect(results.map((result) => result.custom_id)).toEqual(
        Array.from({ length: requestCount }, (_, i) => crashCustomId(i + 1)),
      );
      const byStatus = countBy(results.map((result) => result.status));
      expect(Object.keys(byStatus).sort()).toEqual(expect.arrayContaining(['failed_invalid', 'succeeded']));
      for (const status of Object.keys(byStatus)) {
        expect(['succeeded', 'failed_invalid', 'failed_retryable', 'expired']).toContain(status);
      }
      for (const result of results) {
        if (result.status === 'succeeded') {
          expect(result.response?.status_code, result.custom_id).toBe(200);
          expect(result.response?.body, result.custom_id).toBeTruthy();
          expect(result.error, result.custom_id).toBeNull();
          expect(result.cost_usd, result.custom_id).toBeGreaterThan(0);
        } else {
          expect(result.error, result.custom_id).not.toBeNull();
          expect(result.cost_usd, result.custom_id).toBeNull();
        }
        if (result.status === 'failed_invalid')
          expect(JSON.stringify(result.error), result.custom_id).toMatch(/lineInvalid/);
      }
      // Retries happened, and some lines needed all their attempts.
      expect(
        results.filter((result) => result.status === 'succeeded' && result.attempts > 1).length,
      ).toBeGreaterThan(1000);

      // Each line's history at the emulator explains its result: retried exactly when the emulator
      // failed it retryably (or its batch expired first), ended by what its last batch drew.
      const histories = lineHistories(emulator);
      const mismatches = results
        .map((result) => ({
          line: result.line,
          problem: explainMismatch(result, histories.get(result.line), expiredBatchNumbers, maxAttempts),
        }))
        .filter((entry) => entry.problem !== null);
      expect(mismatches.slice(0, 20), `${mismatches.length} lines disagree with the emulator`).toEqual([]);

      // No chunk was submitted as two provider batches.
      const batches = chunksOfBatches(emulator);
      expect(batches.length).toBeGreaterThanOrEqual(8);
      expect(new Set(batches.map(({ batch }) => batch.provider))).toEqual(new Set(['openai', 'anthropic']));
      const mixed = batches.filter(({ chunkIds }) => chunkIds.length !== 1);
      expect(mixed.map(({ batch, chunkIds }) => `${batch.id}: ${chunkIds.join(', ')}`)).toEqual([]);
      expect(chunksSubmittedTwice(batches)).toEqual({});
      expect(metadataChunksSubmittedTwice(emulator)).toEqual({});
      expect(customIdsInTwoBatches(emulator)).toEqual([]);
      for (const { batch, chunkIds } of batches) {
        if (batch.provider === 'openai')
          expect(batch.metadata, batch.id).toMatchObject({
            spendwall_job: summary.jobId,
            spendwall_chunk: chunkIds[0],
          });
      }
      const expired = emulator.record.batches.filter((batch) => expiredBatchNumbers.includes(batch.number));
      expect(expired).toHaveLength(1);

      // Every batch the emulator created is known to the store, under the chunk it was made for.
      const known = await storeBatchIds(store.driver);
      expect(batches.map(({ batch }) => batch.id).filter((id) => !known.has(id))).toEqual([]);
      const chunkRows = await store.driver.all<{
        id: string;
        provider_batch_id: string | null;
        state: string;
        request_count: number;
      }>('SELECT id, provider_batch_id, state, request_count FROM chunks');
      const chunkById = new Map(chunkRows.map((row) => [row.id, row]));
      for (const { batch, chunkIds } of batches) {
        expect(chunkById.get(chunkIds[0]!), batch.id).toMatchObject({
          provider_batch_id: batch.id,
          state: 'harvested',
          request_count: batch.requestCount,
        });
      }
      const created = new Set(batches.map(({ batch }) => batch.id));
      expect(chunkRows.filter((row) => row.provider_batch_id && !created.has(row.provider_batch_id))).toEqual(
        [],
      );

      // The ledger's totals are the results' totals: one row per succeeded line, same money.
      const succeeded = results.filter((result) => result.status === 'succeeded');
      const ledger = await store.driver.get<{
        rows: number;
        lines: number;
        cost: number;
        realtime: number;
        unpriced: number;
      }>(
        `SELECT COUNT(*) AS rows, COUNT(DISTINCT line) AS lines, SUM(cost_nanousd) AS cost,
         SUM(realtime_cost_nanousd) AS realtime, SUM(CASE WHEN cost_nanousd IS NULL THEN 1 ELSE 0 END) AS unpriced
       FROM ledger WHERE job_id = ?`,
        [summary.jobId],
      );
      const nano = (usd: number | null) => Math.round((usd ?? 0) * 1e9);
      expect({
        rows: Number(ledger?.rows),
        lines: Number(ledger?.lines),
        cost: Number(ledger?.cost),
        realtime: Number(ledger?.realtime),
        unpriced: Number(ledger?.unpriced),
      }).toEqual({
        rows: succeeded.length,
        lines: succeeded.length,
        cost: succeeded.reduce((sum, result) => sum + nano(result.cost_usd), 0),
        realtime: succeeded.reduce((sum, result) => sum + nano(result.realtime_cost_usd), 0),
        unpriced: 0,
      });
      const ledgerLines = await store.driver.all<{ line: number }>(
        'SELECT line FROM ledger WHERE job_id = ?',
        [summary.jobId],
      );
      expect(new Set(ledgerLines.map((row) => Number(row.line)))).toEqual(
        new Set(succeeded.map((r) => r.line)),
      );
      expect({ cost: summary.costNanoUsd, realtime: summary.realtimeCostNanoUsd }).toEqual({
        cost: Number(ledger?.cost),
        realtime: Number(ledger?.realtime),
      });

      // The faults did happen.
      const faults = emulator.record.faultCounts();
      expect(Object.keys(faults).length).toBeGreaterThan(0);
      const downloads = emulator.record.requests['GET /v1/files/:id/content'] ?? 0;
      const openaiBatches = batches.filter(({ batch }) => batch.provider === 'openai').length;
      // Each OpenAI batch has at most an output and an error file; more downloads are retries.
      console.info(
        `crash test on ${database.name}: ${batches.length} provider batches, results ${JSON.stringify(byStatus)}, ` +
          `route faults ${JSON.stringify(faults)}, ${downloads} result-file downloads for ${openaiBatches} OpenAI batches`,
      );
    },
    testTimeoutMs,
  );
});

/** `--token-limit` flags that split the chat model into three batches and Anthropic into two. */
async function tokenLimitFlags(inputPath: string): Promise<string[]> {
  const tokens = new Map<string, number>();
  for await (const line of readJobInput(inputPath)) {
    if (line.kind === 'accepted')
      tokens.set(line.model, (tokens.get(line.model) ?? 0) + line.estimatedInputTokens);
  }
  // Chat batches of about 5,300 lines: more than one commit of results each, so a kill can land
  // between two commits of one harvest.
  const split = { [crashModels.chat]: 3, [crashModels.anthropic]: 2 };
  return Object.entries(split).flatMap(([model, parts]) => [
    '--token-limit',
    `${model}=${Math.ceil((tokens.get(model) ?? 0) / parts) + 100}`,
  ]);
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

function describeKill(kill: KillRecord, index: number): string {
  return (
    `kill ${index + 1} ${describeKillPoint(kill.point)} (${kill.fired}, ${kill.afterMs} ms after start): ` +
    `phases ${kill.phases.join('+') || 'startup'}; store ${JSON.stringify(kill.left)}`
  );
}
