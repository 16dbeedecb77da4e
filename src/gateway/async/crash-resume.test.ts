import { existsSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { newId } from '../../core/ids.js';
import { planFlush } from './flush-records.js';
import { countAsyncRequests } from './request-records.js';
import { chatBody, createLaneHarness, type LaneHarness, submission, until } from './test-support.js';

/**
 * A process can stop at any point of a flush; the next one resumes it and every request ends with
 * exactly one result, without a second provider batch for the same work (the emulator's record
 * lists every batch it was asked to create).
 */

let harness: LaneHarness | undefined;
afterEach(async () => {
  await harness?.dispose();
  harness = undefined;
});

const idle = { flush: { checkIntervalMs: 60_000, maxAgeMs: 60_000 } };

async function acceptMany(count: number): Promise<string[]> {
  const accepted = await Promise.all(
    Array.from({ length: count }, (_, index) => harness!.lane.accept(submission('team-a', chatBody(index)))),
  );
  return accepted.map((entry) => entry.id);
}

describe('async lane: crash and restart', () => {
  it('resumes a flush recorded just before the process died, before anything was sent', async () => {
    harness = await createLaneHarness(idle);
    await acceptMany(20);
    const { driver } = harness.engine.store;
    const id = newId('flush_');
    await driver.transaction((executor) =>
      planFlush(
        executor,
        {
          id,
          team: 'team-a',
          workload: 'nightly-classify',
          provider: 'openai',
          model: 'gpt-4o-mini',
          reason: 'size',
          inputPath: `${harness!.lane.folder}/${id}.jsonl`,
          outputPath: `${harness!.lane.folder}/${id}.results.jsonl`,
        },
        1000,
        Date.now(),
      ),
    );
    await harness.lane.close();
    expect(harness.engine.emulator.record.batches).toHaveLength(0);

    const restarted = await harness.restart();
    await restarted.settled();
    expect(await countAsyncRequests(driver)).toEqual({ queued: 0, in_progress: 0, completed: 20, failed: 0 });
    expect(harness.engine.emulator.record.batches).toHaveLength(1);
  });

  it('resumes a flush stopped while its provider batch runs, without submitting it again', async () => {
    harness = await createLaneHarness(idle, { clock: { scale: 0 } });
    await acceptMany(30);
    const { emulator, store } = harness.engine;
    await harness.lane.flush(true);
    await until(() => emulator.record.batches.length === 1);
    await harness.lane.close();
    const open = await store.driver.all<{ state: string }>('SELECT state FROM async_flushes');
    expect(open).toEqual([{ state: 'running' }]);
    expect((await countAsyncRequests(store.driver)).in_progress).toBe(30);

    emulator.clock.advance(3_600_000);
    const restarted = await harness.restart();
    await restarted.settled();
    expect(await countAsyncRequests(store.driver)).toEqual({
      queued: 0,
      in_progress: 0,
      completed: 30,
      failed: 0,
    });
    expect(emulator.record.batches).toHaveLength(1);
    expect(new Set(emulator.record.batches[0]!.customIds).size).toBe(30);
  });

  it('copies results again when the process died after the engine finished, from a rebuilt identical input', async () => {
    // Files kept at the end of the flush: a process that dies while copying results has not yet
    // removed the engine's job files (they go only once the flush is done).
    harness = await createLaneHarness({ ...idle, keepFlushFiles: true });
    const ids = await acceptMany(12);
    const { driver } = harness.engine.store;
    await harness.lane.flush(true);
    await harness.lane.settled();
    const before = await driver.all<{ id: string; response: string }>(
      'SELECT id, response FROM async_requests ORDER BY id',
    );
    // As if the process died half-way through copying: results gone from the rows, flush open,
    // and the flush's files removed (the input is rebuilt from the rows, byte for byte).
    const flush = await driver.get<{ input_path: string; output_path: string }>(
      'SELECT input_path, output_path FROM async_flushes',
    );
    rmSync(flush!.input_path);
    rmSync(flush!.output_path);
    await driver.run(
      "UPDATE async_requests SET state = 'in_progress', response = NULL, finished_at = NULL WHERE id IN (?, ?, ?)",
      ids.slice(0, 3),
    );
    await driver.run("UPDATE async_flushes SET state = 'running', finished_at = NULL");
    await harness.lane.close();

    const restarted = await harness.restart();
    await restarted.settled();
    expect(await countAsyncRequests(driver)).toEqual({ queued: 0, in_progress: 0, completed: 12, failed: 0 });
    expect(
      await driver.all<{ id: string; response: string }>(
        'SELECT id, response FROM async_requests ORDER BY id',
      ),
    ).toEqual(before);
    expect(harness.engine.emulator.record.batches).toHaveLength(1);
    expect((await driver.get<{ count: number }>('SELECT COUNT(*) AS count FROM jobs'))?.count).toBe(1);
  });

  it('leaves a flush whose job a live process holds to it, without rebuilding its input, and takes it up once that process is gone', async () => {
    harness = await createLaneHarness(idle, { clock: { scale: 0 } });
    await acceptMany(10);
    const { emulator, store } = harness.engine;
    await harness.lane.flush(true);
    await until(() => emulator.record.batches.length === 1);
    await harness.lane.close();
    const flush = await store.driver.get<{ input_path: string; job_id: string }>(
      'SELECT input_path, job_id FROM async_flushes',
    );
    rmSync(flush!.input_path);
    // Another runner, alive (this very process) on this host, holds the job.
    await store.driver.run('UPDATE jobs SET lease_owner = ?, lease_expires_at = ? WHERE id = ?', [
      `${hostname()}:${process.pid}:peer`,
      Date.now() + 60_000,
      flush!.job_id,
    ]);
    emulator.clock.advance(3_600_000);

    const restarted = await harness.restart({ flush: { ...idle.flush, adoptIntervalMs: 50 } });
    await restarted.settled();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(existsSync(flush!.input_path)).toBe(false);
    expect((await countAsyncRequests(store.driver)).in_progress).toBe(10);

    // The holder goes away (its lease lapses): the next look takes the flush over and ends it.
    await store.driver.run('UPDATE jobs SET lease_expires_at = ? WHERE id = ?', [
      Date.now() - 1,
      flush!.job_id,
    ]);
    await until(async () => (await countAsyncRequests(store.driver)).completed === 10);
    expect(emulator.record.batches).toHaveLength(1);
  });

  it('keeps accepted requests queued across a restart and flushes them then', async () => {
    harness = await createLaneHarness(idle);
    await acceptMany(7);
    await harness.lane.close();
    const restarted = await harness.restart();
    await restarted.flush(true);
    await restarted.settled();
    expect((await countAsyncRequests(harness.engine.store.driver)).completed).toBe(7);
  });
});
