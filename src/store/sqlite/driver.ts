import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { SqlDriver, SqlExecutor, SqlValue } from '../sql.js';

/**
 * Embedded SQLite (better-sqlite3): one file, WAL, nothing to start. Calls are synchronous
 * underneath; transactions are serialized with a queue so that async work inside one never
 * interleaves with another's statements on the shared connection.
 */
export class SqliteDriver implements SqlDriver {
  readonly dialect = 'sqlite' as const;
  private readonly database: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  /** The same statements in raw mode (rows as arrays): better-sqlite3 sets the mode per statement. */
  private readonly rawStatements = new Map<string, Database.Statement>();
  private queue: Promise<unknown> = Promise.resolve();
  private inTransaction = false;

  /** The database file (or `:memory:`): another connection, such as a writer thread's, opens it by this. */
  constructor(readonly path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.database = new Database(path);
    this.database.pragma('journal_mode = WAL');
    // WAL with synchronous=NORMAL survives a killed process (the case Spendwall must survive);
    // only a power loss can drop the last transactions.
    this.database.pragma('synchronous = NORMAL');
    this.database.pragma('busy_timeout = 10000');
    // Bulk jobs write hundreds of MB: checkpoint the WAL every 65,536 pages (256 MB) rather than
    // every 4 MB (each checkpoint syncs the file; every 64 MB measured the same at 200,000
    // requests), and keep 8 MB of pages cached (32 MB bought no speed, only memory).
    this.database.pragma('wal_autocheckpoint = 65536');
    this.database.pragma('cache_size = -8192');
    // Statement journals in memory: a multi-row statement inside a transaction (a harvest's ledger
    // inserts, its set-based update) keeps the pages it changes so it can be undone alone. In temp
    // files, that was ~330,000 page writes for a 200,000-request job; in memory, a few MB at most
    // for the one statement running.
    this.database.pragma('temp_store = MEMORY');
    this.database.pragma('foreign_keys = ON');
  }

  async all<Row>(sql: string, parameters: readonly SqlValue[] = []): Promise<Row[]> {
    await this.outsideTransaction();
    return this.prepare(sql).all(...parameters) as Row[];
  }

  async tuples<Row extends readonly unknown[]>(
    sql: string,
    parameters: readonly SqlValue[] = [],
  ): Promise<Row[]> {
    await this.outsideTransaction();
    return this.prepare(sql, true).all(...parameters) as Row[];
  }

  async get<Row>(sql: string, parameters: readonly SqlValue[] = []): Promise<Row | undefined> {
    await this.outsideTransaction();
    return this.prepare(sql).get(...parameters) as Row | undefined;
  }

  async run(sql: string, parameters: readonly SqlValue[] = []): Promise<number> {
    await this.outsideTransaction();
    return this.prepare(sql).run(...parameters).changes;
  }

  transaction<Result>(work: (executor: SqlExecutor) => Promise<Result>): Promise<Result> {
    const executor: SqlExecutor = {
      dialect: 'sqlite',
      all: async <Row>(sql: string, parameters: readonly SqlValue[] = []) =>
        this.prepare(sql).all(...parameters) as Row[],
      tuples: async <Row extends readonly unknown[]>(sql: string, parameters: readonly SqlValue[] = []) =>
        this.prepare(sql, true).all(...parameters) as Row[],
      get: async <Row>(sql: string, parameters: readonly SqlValue[] = []) =>
        this.prepare(sql).get(...parameters) as Row | undefined,
      run: async (sql: string, parameters: readonly SqlValue[] = []) =>
        this.prepare(sql).run(...parameters).changes,
    };
    const result = this.queue.then(async () => {
      this.database.exec('BEGIN IMMEDIATE');
      this.inTransaction = true;
      try {
        const value = await work(executor);
        this.database.exec('COMMIT');
        return value;
      } catch (error) {
        if (this.database.inTransaction) this.database.exec('ROLLBACK');
        throw error;
      } finally {
        this.inTransaction = false;
      }
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  async lockForMigration(): Promise<void> {
    // BEGIN IMMEDIATE already holds SQLite's single write lock.
  }

  async close(): Promise<void> {
    await this.queue;
    this.database.close();
  }

  /** Plain statements wait for a running transaction, so they never land inside it by accident. */
  private async outsideTransaction(): Promise<void> {
    if (this.inTransaction) await this.queue;
  }

  /** A cached prepared statement; `raw` ones give rows as arrays (kept apart: the mode is the statement's). */
  private prepare(sql: string, raw = false): Database.Statement {
    const cache = raw ? this.rawStatements : this.statements;
    let statement = cache.get(sql);
    if (!statement) {
      statement = this.database.prepare(sql);
      if (raw) statement.raw(true);
      cache.set(sql, statement);
    }
    return statement;
  }
}
