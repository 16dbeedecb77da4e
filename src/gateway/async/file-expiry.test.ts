import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../store/migrate.js';
import type { SqlDriver } from '../../store/sql.js';
import { testDatabases } from '../../store/test-databases.js';
import { type BatchRecord, getBatch, insertBatch, updateBatch } from './batch-records.js';
import { createFileSweeper } from './file-expiry.js';
import { type FileRecord, getFile, insertFile, listFiles } from './file-records.js';
import { until } from './test-support.js';

/**
 * Expiry in the store, on SQLite and Postgres (where BIGINT comes back as text): which files the
 * routes still see at a moment, and what the sweep removes, from the records and from disk.
 */

const expiry = 1_800_000_000_000;

describe.each(testDatabases)('file expiry on $name', (database) => {
  let disposers: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const dispose of disposers) await dispose();
    disposers = [];
  });

  async function setUp() {
    const created = await database.create();
    disposers.push(created.dispose);
    await migrate(created.driver);
    const folder = mkdtempSync(join(tmpdir(), 'spendwall-file-expiry-'));
    disposers.push(() => rmSync(folder, { recursive: true, force: true }));
    const add = async (id: string, expiresAt: number | null) => {
      const file: FileRecord = {
        id,
        team: 'team-a',
        purpose: 'batch',
        filename: `${id}.jsonl`,
        bytes: 3,
        path: join(folder, id),
        createdAt: expiry - 3_600_000,
        expiresAt,
      };
      writeFileSync(file.path, '{}\n');
      await insertFile(created.driver, file);
      return file;
    };
    return { driver: created.driver, add };
  }

  const visibleAt = async (driver: SqlDriver, now: number) =>
    (await listFiles(driver, { team: 'team-a', order: 'asc', limit: 100, now })).map((file) => file.id);

  it('shows a file until it expires, unless an open batch reads it, and sweeps exactly what it hides', async () => {
    const { driver, add } = await setUp();
    const kept = await add('file-kept', null);
    const expiring = await add('file-expiring', expiry);
    const input = await add('file-input', expiry);
    await insertBatch(driver, batchReading(input.id, 7200));

    expect(await getFile(driver, expiring.id, expiry - 1)).toEqual(expiring);
    expect(await visibleAt(driver, expiry - 1)).toEqual(['file-expiring', 'file-input', 'file-kept']);
    expect(await getFile(driver, expiring.id, expiry)).toBeUndefined();
    expect(await getFile(driver, input.id, expiry)).toEqual(input);
    expect(await visibleAt(driver, expiry)).toEqual(['file-input', 'file-kept']);

    // Two processes sweeping at once remove the file once between them.
    const sweepers = [1, 2].map(() => createFileSweeper({ driver, now: () => expiry }));
    const removed = await Promise.all(sweepers.map((sweeper) => sweeper.sweep()));
    expect(removed[0]! + removed[1]!).toBe(1);
    expect(existsSync(expiring.path)).toBe(false);
    expect(existsSync(input.path)).toBe(true);
    expect(existsSync(kept.path)).toBe(true);

    await updateBatch(driver, 'batch_reader', { status: 'completed', completedAt: expiry });
    expect(await visibleAt(driver, expiry)).toEqual(['file-kept']);
    expect(await sweepers[0]!.sweep()).toBe(1);
    expect(existsSync(input.path)).toBe(false);
    const states = await driver.all<{ id: string; state: string }>(
      'SELECT id, state FROM async_files ORDER BY id',
    );
    expect(states).toEqual([
      { id: 'file-expiring', state: 'deleted' },
      { id: 'file-input', state: 'deleted' },
      { id: 'file-kept', state: 'stored' },
    ]);
    expect((await getBatch(driver, 'batch_reader'))?.outputExpiresAfterSeconds).toBe(7200);
  });

  it('sweeps once when started, then on its timer, and reports bytes it cannot remove', async () => {
    const { driver, add } = await setUp();
    let now = expiry;
    const errors: unknown[] = [];
    const sweeper = createFileSweeper({
      driver,
      now: () => now,
      intervalMs: 20,
      onError: (error) => errors.push(error),
    });
    const first = await add('file-first', expiry);
    const later = await add('file-later', expiry + 60_000);
    // Bytes that cannot be removed (a folder stands where the file was): reported, not retried.
    const stuck = await add('file-stuck', expiry);
    rmSync(stuck.path);
    mkdirSync(join(stuck.path, 'inside'), { recursive: true });
    sweeper.start();
    await until(() => !existsSync(first.path));
    expect(existsSync(later.path)).toBe(true);
    now = expiry + 60_000;
    await until(() => !existsSync(later.path));
    await sweeper.close();
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain(stuck.path);
    expect(await visibleAt(driver, now)).toEqual([]);
    expect(existsSync(stuck.path)).toBe(true);
  });
});

function batchReading(inputFileId: string, outputExpiresAfterSeconds: number | null): BatchRecord {
  return {
    id: 'batch_reader',
    team: 'team-a',
    inputFileId,
    endpoint: '/v1/chat/completions',
    completionWindow: '24h',
    metadata: null,
    workload: 'batch-api',
    status: 'in_progress',
    jobId: null,
    outputFileId: null,
    errorFileId: null,
    errors: null,
    total: 0,
    completed: 0,
    failed: 0,
    createdAt: expiry - 3_600_000,
    inProgressAt: null,
    finalizingAt: null,
    completedAt: null,
    failedAt: null,
    cancellingAt: null,
    cancelledAt: null,
    expiresAt: expiry + 20 * 3_600_000,
    outputExpiresAfterSeconds,
  };
}
