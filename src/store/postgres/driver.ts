import pg from 'pg';
import { numberPlaceholders, type SqlDriver, type SqlExecutor, type SqlValue } from '../sql.js';

/** BIGINT columns hold counts, epoch milliseconds and nano-USD: all well inside 2^53. */
const int8 = 20;
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === int8) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

/**
 * Postgres, for several gateway or worker processes sharing the work. The store's SQL is the
 * same as on SQLite; only placeholders are renumbered.
 */
export class PostgresDriver implements SqlDriver {
  readonly dialect = 'postgres' as const;
  private readonly pool: pg.Pool;

  constructor(connectionString: string, options: { schema?: string; maxConnections?: number } = {}) {
    this.pool = new pg.Pool({
      connectionString,
      max: options.maxConnections ?? 5,
      types,
      ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    });
    // An idle client that loses its connection must not crash the process; the next query reconnects.
    this.pool.on('error', () => undefined);
  }

  async all<Row>(sql: string, parameters: readonly SqlValue[] = []): Promise<Row[]> {
    return (await this.pool.query(numberPlaceholders(sql), parameters as SqlValue[])).rows as Row[];
  }

  async tuples<Row extends readonly unknown[]>(
    sql: string,
    parameters: readonly SqlValue[] = [],
  ): Promise<Row[]> {
    return (
      await this.pool.query({
        text: numberPlaceholders(sql),
        values: parameters as SqlValue[],
        rowMode: 'array',
      })
    ).rows as unknown as Row[];
  }

  async get<Row>(sql: string, parameters: readonly SqlValue[] = []): Promise<Row | undefined> {
    return (await this.all<Row>(sql, parameters))[0];
  }

  async run(sql: string, parameters: readonly SqlValue[] = []): Promise<number> {
    return (await this.pool.query(numberPlaceholders(sql), parameters as SqlValue[])).rowCount ?? 0;
  }

  async transaction<Result>(work: (executor: SqlExecutor) => Promise<Result>): Promise<Result> {
    const client = await this.pool.connect();
    const executor: SqlExecutor = {
      dialect: 'postgres',
      all: async <Row>(sql: string, parameters: readonly SqlValue[] = []) =>
        (await client.query(numberPlaceholders(sql), parameters as SqlValue[])).rows as Row[],
      tuples: async <Row extends readonly unknown[]>(sql: string, parameters: readonly SqlValue[] = []) =>
        (
          await client.query({
            text: numberPlaceholders(sql),
            values: parameters as SqlValue[],
            rowMode: 'array',
          })
        ).rows as unknown as Row[],
      get: async <Row>(sql: string, parameters: readonly SqlValue[] = []) =>
        (await client.query(numberPlaceholders(sql), parameters as SqlValue[])).rows[0] as Row | undefined,
      run: async (sql: string, parameters: readonly SqlValue[] = []) =>
        (await client.query(numberPlaceholders(sql), parameters as SqlValue[])).rowCount ?? 0,
    };
    try {
      await client.query('BEGIN');
      const value = await work(executor);
      await client.query('COMMIT');
      return value;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async lockForMigration(executor: SqlExecutor): Promise<void> {
    // One process migrates at a time; the others wait, then find the work done.
    await executor.run('SELECT pg_advisory_xact_lock(7263150)');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
