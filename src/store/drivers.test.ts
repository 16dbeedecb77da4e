import { describe, expect, it } from 'vitest';
import type { SqlDriver } from './sql.js';
import { freshDriverFor, testDatabases } from './test-databases.js';

describe.each(testDatabases)('the $name driver', (database) => {
  const empty = freshDriverFor(database);
  async function fresh(): Promise<SqlDriver> {
    const driver = await empty();
    await driver.run('CREATE TABLE items (id INTEGER NOT NULL, name TEXT, size BIGINT)');
    await driver.run("INSERT INTO items VALUES (2, 'two', NULL), (1, 'one', 10)");
    return driver;
  }

  it('gives rows as arrays of values in the order selected, in and out of transactions', async () => {
    const driver = await fresh();
    const sql = 'SELECT size, name, id FROM items WHERE id > ? ORDER BY id';
    const outside = await driver.tuples<[number | null, string, number]>(sql, [0]);
    expect(
      outside.map(([size, name, id]) => [size === null ? null : Number(size), name, Number(id)]),
    ).toEqual([
      [10, 'one', 1],
      [null, 'two', 2],
    ]);
    const inside = await driver.transaction((executor) => executor.tuples<[unknown, string]>(sql, [1]));
    expect(inside.map((row) => row[1])).toEqual(['two']);
    // The same query as objects still gives objects (SQLite keeps the two kinds of statement apart).
    expect(await driver.all<{ name: string }>(sql, [1])).toMatchObject([{ name: 'two' }]);
    expect(await driver.tuples(sql, [5])).toEqual([]);
  });
});
