import { describe, expect, it } from 'vitest';
import { migrate, migrations } from './migrate.js';
import { freshDriverFor, testDatabases } from './test-databases.js';

describe.each(testDatabases)('migrations on $name', (database) => {
  const fresh = freshDriverFor(database);

  it('creates the schema once and is a no-op the second time', async () => {
    const driver = await fresh();
    expect(await migrate(driver)).toEqual(migrations.map((migration) => migration.version));
    expect(await migrate(driver)).toEqual([]);
    const rows = await driver.all<{ version: number; name: string }>(
      'SELECT version, name FROM schema_migrations ORDER BY version',
    );
    expect(rows).toEqual(migrations.map(({ version, name }) => ({ version, name })));
    // Foreign keys are enforced on both databases: a reject needs its job.
    await expect(
      driver.run("INSERT INTO rejects (job_id, line, code, reason) VALUES ('j', 1, 'c', 'r')"),
    ).rejects.toThrow(/foreign key/i);
  });

  it('rolls a failing migration back whole', async () => {
    const driver = await fresh();
    const broken = {
      version: 99,
      name: 'broken',
      statements: ['CREATE TABLE half_done (id TEXT)', 'NOT SQL AT ALL'],
    };
    await expect(migrate(driver, [...migrations, broken])).rejects.toThrow();
    const versions = await driver.all<{ version: number }>(
      'SELECT version FROM schema_migrations ORDER BY version',
    );
    expect(versions.map((row) => row.version)).toEqual(migrations.map((migration) => migration.version));
    await expect(driver.all('SELECT * FROM half_done')).rejects.toThrow();
  });

  it('refuses a database newer than this code', async () => {
    const driver = await fresh();
    await migrate(driver);
    await driver.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (50, 'future', 0)");
    await expect(migrate(driver)).rejects.toThrow(/newer than this Spendwall knows/);
  });
});
