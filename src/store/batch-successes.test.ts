import { describe, expect, it } from 'vitest';
import { applyBatchSuccesses, BatchSuccesses } from './batch-successes.js';
import { insertChunk } from './chunks.js';
import { findOrCreateJob } from './jobs.js';
import { migrate } from './migrate.js';
import type { Outcome } from './outcomes.js';
import { assignToChunk, insertRequests } from './requests.js';
import type { SqlDriver } from './sql.js';
import { freshDriverFor, testDatabases } from './test-databases.js';

const group = { provider: 'openai', endpoint: '/v1/chat/completions', model: 'gpt-4o-mini' };
const context = {
  jobId: 'job_a',
  workload: 'nightly',
  ...group,
  now: 5000,
  chunkId: 'ck1',
  providerBatchId: 'batch_1',
};

function success(line: number): Outcome {
  return {
    line,
    chunkId: 'ck1',
    providerBatchId: 'batch_1',
    lane: 'batch',
    outcome: 'succeeded',
    retry: false,
    statusCode: 200,
    response: '{}',
    error: null,
    usage: { inputTokens: 10, cachedInputTokens: 0, cacheCreationInputTokens: 0, outputTokens: 2 },
    cost: line * 100,
    realtimeCost: line * 200,
    batchCost: line * 100,
    flexCost: null,
    deadlineFallback: false,
  };
}

describe.each(testDatabases)('applyBatchSuccesses on $name', (database) => {
  const fresh = freshDriverFor(database);

  /** A job whose lines 1–10 are queued in chunk ck1 (lines 1–3 on their second try). */
  async function queuedChunk(): Promise<SqlDriver> {
    const driver = await fresh();
    await migrate(driver);
    await findOrCreateJob(driver, {
      id: 'job_a',
      fingerprint: 'f',
      workload: 'nightly',
      inputPath: '/in.jsonl',
      outputPath: null,
      rejectsPath: null,
      settings: {
        provider: null,
        endpoint: null,
        maxAttempts: 3,
        onDeadline: 'realtime',
        strict: false,
        maxLineBytes: 1e6,
      },
      deadlineAt: null,
      filesPath: '/files',
      now: 1,
    });
    await insertRequests(
      driver,
      'job_a',
      Array.from({ length: 10 }, (_, index) => ({
        line: index + 1,
        customId: `r${index + 1}`,
        ...group,
        bodyOffset: index * 10,
        bodyBytes: 10,
        estimatedTokens: 5,
        chunkId: null,
      })),
    );
    await driver.run('UPDATE requests SET attempts = 1 WHERE line <= 3');
    await insertChunk(driver, {
      id: 'ck1',
      jobId: 'job_a',
      ...group,
      requestCount: 10,
      bytes: 100,
      estimatedTokens: 50,
      now: 1,
    });
    await assignToChunk(driver, 'job_a', 'ck1', group, 1, 10);
    return driver;
  }

  const attemptsOf = (line: number) => (line <= 3 ? 2 : 1);
  const states = async (driver: SqlDriver) =>
    (
      await driver.all<{
        line: number;
        state: string;
        attempts: number;
        chunk_id: string | null;
        result_in_file: number;
      }>('SELECT line, state, attempts, chunk_id, result_in_file FROM requests ORDER BY line')
    ).map((row) => ({
      line: Number(row.line),
      state: row.state,
      attempts: Number(row.attempts),
      inFile: Number(row.result_in_file),
      chunk: row.chunk_id,
    }));

  it('ends the successes in one update, writes their ledger rows and sends unanswered lines back', async () => {
    const driver = await queuedChunk();
    const successes = new BatchSuccesses();
    for (const line of [2, 1, 5, 4, 3, 6, 7, 8]) successes.add(success(line), attemptsOf(line));
    const applied = await driver.transaction((executor) =>
      applyBatchSuccesses(
        executor,
        context,
        successes,
        new Map([
          [9, { attempts: 0 }],
          [10, { attempts: 0 }],
        ]),
        null,
      ),
    );
    expect(applied).toBe(8);
    const rows = await states(driver);
    expect(rows.filter((row) => row.state === 'succeeded').map((row) => row.line)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8,
    ]);
    expect(rows.slice(0, 8).every((row) => row.inFile === 1 && row.attempts === attemptsOf(row.line))).toBe(
      true,
    );
    expect(rows.slice(8)).toEqual([
      { line: 9, state: 'pending', attempts: 0, inFile: 0, chunk: null },
      { line: 10, state: 'pending', attempts: 0, inFile: 0, chunk: null },
    ]);
    const ledger = await driver.all<{ id: string; cost_nanousd: number; flex_cost_nanousd: number | null }>(
      'SELECT id, cost_nanousd, flex_cost_nanousd FROM ledger ORDER BY line',
    );
    expect(ledger.map((row) => row.id)).toEqual(
      [1, 2, 3, 4, 5, 6, 7, 8].map((line) => `job_a:${line}:${attemptsOf(line)}`),
    );
    expect(ledger.map((row) => Number(row.cost_nanousd))).toEqual([100, 200, 300, 400, 500, 600, 700, 800]);
    expect(ledger.every((row) => row.flex_cost_nanousd === null)).toBe(true);
    // Second tries keep their history, as applyOutcomes does.
    const history = await driver.all<{ line: number; attempt: number }>(
      'SELECT line, attempt FROM attempts ORDER BY line',
    );
    expect(history.map((row) => [Number(row.line), Number(row.attempt)])).toEqual([
      [1, 2],
      [2, 2],
      [3, 2],
    ]);
  });

  it('looks at each request when the chunk is not as harvested: one applied already, one with other tries', async () => {
    const driver = await queuedChunk();
    await driver.run("UPDATE requests SET state = 'succeeded' WHERE line = 4");
    await driver.run('UPDATE requests SET attempts = 2 WHERE line = 5');
    const successes = new BatchSuccesses();
    for (let line = 1; line <= 10; line++) successes.add(success(line), attemptsOf(line));
    const applied = await driver.transaction((executor) =>
      applyBatchSuccesses(executor, context, successes, new Map(), 'cancelled'),
    );
    expect(applied).toBe(8);
    const rows = await states(driver);
    expect(rows.find((row) => row.line === 4)).toMatchObject({ state: 'succeeded', inFile: 0, attempts: 0 });
    // Its line says a first try: the request goes on as the store has it, never with a wrong line.
    expect(rows.find((row) => row.line === 5)).toMatchObject({ state: 'cancelled', inFile: 0, attempts: 2 });
    expect(rows.filter((row) => row.inFile === 1).map((row) => row.line)).toEqual([1, 2, 3, 6, 7, 8, 9, 10]);
    const ledger = await driver.all<{ line: number }>('SELECT line FROM ledger ORDER BY line');
    expect(ledger.map((row) => Number(row.line))).toEqual([1, 2, 3, 6, 7, 8, 9, 10]);
  });

  it('applies nothing twice when the same harvest is applied again', async () => {
    const driver = await queuedChunk();
    const successes = new BatchSuccesses();
    for (let line = 1; line <= 10; line++) successes.add(success(line), attemptsOf(line));
    const apply = () =>
      driver.transaction((executor) => applyBatchSuccesses(executor, context, successes, new Map(), null));
    expect(await apply()).toBe(10);
    expect(await apply()).toBe(0);
    const ledger = await driver.get<{ count: number }>('SELECT COUNT(*) AS count FROM ledger');
    expect(Number(ledger?.count)).toBe(10);
  });
});

describe('BatchSuccesses', () => {
  it('keeps every success it is given past its capacity, with unknown figures as NaN', () => {
    const successes = new BatchSuccesses(2);
    for (let line = 1; line <= 5; line++) successes.add(success(line), line);
    successes.add({ ...success(6), statusCode: null, usage: null, cost: null }, 1);
    expect(successes.count).toBe(6);
    expect([...successes.lines.subarray(0, 6)]).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...successes.attempts.subarray(0, 6)]).toEqual([1, 2, 3, 4, 5, 1]);
    expect(successes.statusCodes[4]).toBe(200);
    expect(successes.statusCodes[5]).toBe(-1);
    expect(successes.figures[4 * 8]).toBe(success(5).usage!.inputTokens);
    expect(Number.isNaN(successes.figures[5 * 8]!)).toBe(true);
    expect(Number.isNaN(successes.figures[5 * 8 + 4]!)).toBe(true);
  });
});
