import { join, resolve } from 'node:path';
import { ConfigError } from '../core/errors.js';
import { migrate } from './migrate.js';
import type { SqlDriver } from './sql.js';
import { SqliteDriver } from './sqlite/driver.js';

export interface Store {
  readonly driver: SqlDriver;
  /** Where the data lives, for messages: a file path or a Postgres URL without its password. */
  readonly location: string;
  /**
   * Spendwall's home: the folder for the files a job keeps beside its records (request bodies,
   * results), under `jobs/`, whichever database holds the records.
   */
  readonly home: string;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** `postgres://…` for Postgres; a file path (or `sqlite:PATH`) for SQLite. */
  databaseUrl?: string | undefined;
  /** Spendwall's home folder, where the default SQLite file and jobs' files live. */
  home?: string | undefined;
}

/** `SPENDWALL_HOME`, or `.spendwall/` in the working directory. */
export function spendwallHome(environment: NodeJS.ProcessEnv = process.env): string {
  return resolve(environment['SPENDWALL_HOME'] ?? '.spendwall');
}

/**
 * Opens the store and brings its schema up to date: Postgres when a `postgres://` URL is given
 * (flag or `SPENDWALL_DATABASE_URL`), else the embedded SQLite file under Spendwall's home.
 */
export async function openStore(options: StoreOptions = {}): Promise<Store> {
  const url = options.databaseUrl ?? process.env['SPENDWALL_DATABASE_URL'];
  let driver: SqlDriver;
  let location: string;
  const home = options.home ?? spendwallHome();
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    // Loaded only when asked for: `pg` costs ~90 ms and 12 MB at startup of every SQLite run.
    const { PostgresDriver } = await import('./postgres/driver.js');
    driver = new PostgresDriver(url);
    location = redactPassword(url);
  } else if (url && !/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    location = resolve(url.replace(/^sqlite:/, ''));
    driver = new SqliteDriver(location);
  } else if (url) {
    throw new ConfigError(`expected a postgres:// URL or a SQLite file path, got '${redactPassword(url)}'`, {
      place: '--database',
    });
  } else {
    location = join(home, 'spendwall.db');
    driver = new SqliteDriver(location);
  }
  try {
    await migrate(driver);
  } catch (error) {
    await driver.close().catch(() => undefined);
    throw new ConfigError(`cannot open the store: ${(error as Error).message}`, {
      place: location,
      cause: error,
    });
  }
  return { driver, location, home, close: () => driver.close() };
}

function redactPassword(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
