import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../store/open-store.js';
import { SqliteWriter } from './sqlite-writer.js';

let folder: string | undefined;
let store: Store | undefined;
let writer: SqliteWriter | undefined;
afterEach(async () => {
  await writer?.close();
  await store?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
  folder = store = writer = undefined;
});

async function open(): Promise<{ store: Store; writer: SqliteWriter }> {
  folder = mkdtempSync(join(tmpdir(), 'spendwall-writer-'));
  store = await openStore({ home: folder });
  await store.driver.run('CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)');
  writer = new SqliteWriter(store.location);
  return { store, writer };
}

describe('SqliteWriter: transactions committed from a writer thread', () => {
  it('has committed a write when it resolves: the store connection reads it at once', async () => {
    const { store, writer } = await open();
    await writer.write([
      ['INSERT INTO items (id, name) VALUES (?, ?), (?, ?)', [1, 'one', 2, 'two']],
      ['INSERT INTO items (id, name) VALUES (?, ?)', [3, 'three']],
    ]);
    const rows = await store.driver.all<{ id: number; name: string }>(
      'SELECT id, name FROM items ORDER BY id',
    );
    expect(rows).toEqual([
      { id: 1, name: 'one' },
      { id: 2, name: 'two' },
      { id: 3, name: 'three' },
    ]);
  });

  it("rejects with SQLite's error and keeps none of a transaction that failed part way", async () => {
    const { store, writer } = await open();
    await writer.write([['INSERT INTO items (id, name) VALUES (?, ?)', [1, 'one']]]);
    const failing = writer.write([
      ['INSERT INTO items (id, name) VALUES (?, ?)', [2, 'two']],
      ['INSERT INTO items (id, name) VALUES (?, ?)', [1, 'again']],
    ]);
    await expect(failing).rejects.toMatchObject({
      message: expect.stringContaining('UNIQUE constraint failed: items.id'),
      code: 'SQLITE_CONSTRAINT_PRIMARYKEY',
    });
    // The writer goes on after a failed transaction.
    await writer.write([['INSERT INTO items (id, name) VALUES (?, ?)', [3, 'three']]]);
    const rows = await store.driver.all<{ id: number }>('SELECT id FROM items ORDER BY id');
    expect(rows.map((row) => row.id)).toEqual([1, 3]);
  });

  it('commits writes sent before close(), in order, and refuses writes after it', async () => {
    const { store, writer } = await open();
    const writes = Array.from({ length: 50 }, (_, index) =>
      writer.write([['INSERT INTO items (id, name) VALUES (?, ?)', [index + 1, `item ${index + 1}`]]]),
    );
    await writer.close();
    await Promise.all(writes);
    const count = await store.driver.get<{ count: number }>('SELECT COUNT(*) AS count FROM items');
    expect(Number(count?.count)).toBe(50);
    await expect(writer.write([['SELECT 1', []]])).rejects.toThrow('the SQLite writer is closed');
  });

  it('waits for a write lock the store connection holds instead of failing', async () => {
    const { store, writer } = await open();
    let written = false;
    await store.driver.transaction(async (executor) => {
      await executor.run('INSERT INTO items (id, name) VALUES (?, ?)', [1, 'held']);
      const pending = writer
        .write([['INSERT INTO items (id, name) VALUES (?, ?)', [2, 'after']]])
        .then(() => {
          written = true;
        });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(written).toBe(false);
      void pending;
    });
    await expect.poll(() => written).toBe(true);
    const rows = await store.driver.all<{ id: number }>('SELECT id FROM items ORDER BY id');
    expect(rows.map((row) => row.id)).toEqual([1, 2]);
  });

  it('says it is broken when its thread cannot open the database, and refuses writes with the reason', async () => {
    folder = mkdtempSync(join(tmpdir(), 'spendwall-writer-'));
    writer = new SqliteWriter(join(folder, 'no such folder', 'spendwall.db'));
    await expect.poll(() => writer!.broken).toBe(true);
    await expect(writer.write([['SELECT 1', []]])).rejects.toThrow(
      /Cannot open database because the directory does not exist/,
    );
  });
});
