/**
 * The one seam between Spendwall's store and a database. The store's queries are written once,
 * in SQL both SQLite and Postgres accept, with `?` placeholders; each driver (one folder each,
 * same file names) runs them.
 */

export type SqlValue = string | number | null;

export type SqlDialect = 'sqlite' | 'postgres';

export interface SqlExecutor {
  readonly dialect: SqlDialect;
  /** All rows of a query. */
  all<Row>(sql: string, parameters?: readonly SqlValue[]): Promise<Row[]>;
  /**
   * All rows of a query as arrays of their values, in the order the query selects them: for
   * queries that return a batch's worth of rows (a third cheaper than objects with SQLite).
   */
  tuples<Row extends readonly unknown[]>(sql: string, parameters?: readonly SqlValue[]): Promise<Row[]>;
  /** The first row of a query, if any. */
  get<Row>(sql: string, parameters?: readonly SqlValue[]): Promise<Row | undefined>;
  /** Runs a statement; resolves to the number of rows it changed. */
  run(sql: string, parameters?: readonly SqlValue[]): Promise<number>;
}

export interface SqlDriver extends SqlExecutor {
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it throws.
   * Transactions of one driver never interleave.
   */
  transaction<Result>(work: (executor: SqlExecutor) => Promise<Result>): Promise<Result>;
  /** A lock held for the rest of the transaction, shared by every process of this database (migrations). */
  lockForMigration(executor: SqlExecutor): Promise<void>;
  close(): Promise<void>;
}

/** Postgres numbers its placeholders; the store writes `?` and this turns them into `$1, $2, …`. */
export function numberPlaceholders(sql: string): string {
  let index = 0;
  return sql.replace(/\?/g, () => `$${++index}`);
}

/** `(?, ?, ?), (?, ?, ?)` for a multi-row insert of `rows` rows of `columns` values. */
export function valuesPlaceholders(rows: number, columns: number): string {
  const row = `(${Array.from({ length: columns }, () => '?').join(', ')})`;
  return Array.from({ length: rows }, () => row).join(', ');
}
