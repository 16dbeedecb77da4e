import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach } from 'vitest';
import { PostgresDriver } from './postgres/driver.js';
import type { SqlDriver } from './sql.js';
import { SqliteDriver } from './sqlite/driver.js';

/**
 * The databases every store test runs against: a fresh SQLite file and a fresh Postgres schema
 * (127.0.0.1:5432 by default, `SPENDWALL_TEST_DATABASE_URL` to change it). Postgres is not
 * optional: a test run without it fails, unless `SPENDWALL_SKIP_POSTGRES=1` says so on purpose.
 */
export const testPostgresUrl =
  process.env['SPENDWALL_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  name: 'sqlite' | 'postgres';
  /** A new, empty database; `dispose` removes it. */
  create(): Promise<{ driver: SqlDriver; url: string; dispose(): Promise<void> }>;
}

export const testDatabases: TestDatabase[] = [
  {
    name: 'sqlite',
    async create() {
      const folder = mkdtempSync(join(tmpdir(), 'spendwall-store-'));
      const path = join(folder, 'spendwall.db');
      const driver = new SqliteDriver(path);
      return {
        driver,
        url: path,
        async dispose() {
          await driver.close().catch(() => undefined);
          rmSync(folder, { recursive: true, force: true });
        },
      };
    },
  },
  ...(process.env['SPENDWALL_SKIP_POSTGRES'] === '1'
    ? []
    : [
        {
          name: 'postgres' as const,
          async create() {
            const schema = `sw_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
            const admin = new pg.Client({ connectionString: testPostgresUrl });
            await admin.connect();
            await admin.query(`CREATE SCHEMA ${schema}`);
            await admin.end();
            const driver = new PostgresDriver(testPostgresUrl, { schema });
            const url = withSearchPath(testPostgresUrl, schema);
            return {
              driver,
              url,
              async dispose() {
                await driver.close().catch(() => undefined);
                const cleanup = new pg.Client({ connectionString: testPostgresUrl });
                await cleanup.connect();
                await cleanup.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
                await cleanup.end();
              },
            };
          },
        },
      ]),
];

/**
 * Called in a `describe`: a function that gives a new, empty database of `database` for the test
 * that calls it, removed after that test.
 */
export function freshDriverFor(database: TestDatabase): () => Promise<SqlDriver> {
  let disposers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const dispose of disposers) await dispose();
    disposers = [];
  });
  return async () => {
    const created = await database.create();
    disposers.push(created.dispose);
    return created.driver;
  };
}

/** A connection URL whose sessions use `schema`, for child processes in tests. */
export function withSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.toString();
}
