import { SpendwallError } from '../core/errors.js';
import { batchLaneMigration } from './migrations/001-batch-lane.js';
import { gatewayMigration } from './migrations/002-gateway.js';
import { asyncLaneMigration } from './migrations/003-async-lane.js';
import { fileExpiryMigration } from './migrations/004-file-expiry.js';
import { jobFilesMigration } from './migrations/005-job-files.js';
import { ledgerTotalsMigration } from './migrations/006-ledger-totals.js';
import type { SqlDriver } from './sql.js';

export interface Migration {
  version: number;
  name: string;
  statements: readonly string[];
}

/** Every migration in order. A released migration is never edited; a change is a new one. */
export const migrations: readonly Migration[] = [
  batchLaneMigration,
  gatewayMigration,
  asyncLaneMigration,
  fileExpiryMigration,
  jobFilesMigration,
  ledgerTotalsMigration,
];

/**
 * Brings the database up to the newest schema, each migration in its own transaction under a
 * lock, so several processes starting at once migrate exactly once.
 */
export async function migrate(driver: SqlDriver, all: readonly Migration[] = migrations): Promise<number[]> {
  await driver.transaction(async (executor) => {
    await driver.lockForMigration(executor);
    await executor.run(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
    );
  });
  const applied: number[] = [];
  for (const migration of all) {
    const ran = await driver.transaction(async (executor) => {
      await driver.lockForMigration(executor);
      const done = await executor.get('SELECT version FROM schema_migrations WHERE version = ?', [
        migration.version,
      ]);
      if (done) return false;
      for (const statement of migration.statements) await executor.run(statement);
      await executor.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
        migration.version,
        migration.name,
        Date.now(),
      ]);
      return true;
    });
    if (ran) applied.push(migration.version);
  }
  const newest = await driver.get<{ version: number }>(
    'SELECT MAX(version) AS version FROM schema_migrations',
  );
  const known = all.at(-1)?.version ?? 0;
  if (newest && newest.version > known) {
    throw new SpendwallError(
      `the database has schema version ${newest.version}, newer than this Spendwall knows (${known}); upgrade Spendwall`,
      { code: 'schema_too_new' },
    );
  }
  return applied;
}
