import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { SqlValue } from '../../store/sql.js';

/** Statements that must commit together, in order: SQL text and its bound values. */
export type Statements = ReadonlyArray<readonly [sql: string, values: readonly SqlValue[]]>;

/**
 * Writes transactions to a SQLite file from a worker thread with a connection of its own, so
 * the gateway's event loop does not spend its time inside SQLite while HTTP requests wait. Each
 * `write()` resolves once its transaction committed (WAL, synchronous=NORMAL, the same
 * durability as the store's own connection) and rejects with SQLite's error if it did not.
 *
 * The worker is plain CommonJS given as text: it loads better-sqlite3 from the path the main
 * thread resolved, and so runs the same from dist/, from tsx and under the test runner.
 */
export class SqliteWriter {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  private nextId = 0;
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;

  constructor(path: string) {
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(workerSource, { eval: true, workerData: { module, path } });
    this.worker.on('message', (message: { id: number; error?: { message: string; code?: string } }) => {
      const waiting = this.waiting.get(message.id);
      if (!waiting) return;
      this.waiting.delete(message.id);
      if (message.error)
        waiting.reject(Object.assign(new Error(message.error.message), { code: message.error.code }));
      else waiting.resolve();
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => {
      if (!this.closing) this.fail(new Error(`the SQLite writer thread stopped (exit code ${code})`));
    });
    // An idle writer does not keep the process alive; a pending write does (its promise is awaited).
    this.worker.unref();
  }

  /** Whether the thread stopped or failed: every write would be refused, so write elsewhere. */
  get broken(): boolean {
    return this.failure !== undefined;
  }

  /** Runs `statements` in one transaction on the writer thread. */
  write(statements: Statements): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(new Error('the SQLite writer is closed'));
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ id, statements });
    }).finally(() => {
      if (this.waiting.size === 0) this.worker.unref();
    });
  }

  /** Lets writes already sent commit, then closes the connection and ends the thread. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.failure) return;
      this.worker.ref();
      const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
      this.worker.postMessage({ close: true });
      await exited;
    })();
    return this.closing;
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
  }
}

/**
 * The writer thread. Messages are handled one at a time, in order; a transaction that fails is
 * rolled back and its error sent back. Pragmas match the store's own connection (journal_mode
 * WAL is a property of the file, set when the store opened it).
 */
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const database = new Database(workerData.path);
database.pragma('synchronous = NORMAL');
database.pragma('busy_timeout = 10000');
database.pragma('wal_autocheckpoint = 65536');
database.pragma('foreign_keys = ON');
const prepared = new Map();
function prepare(sql) {
  let statement = prepared.get(sql);
  if (statement === undefined) {
    statement = database.prepare(sql);
    prepared.set(sql, statement);
  }
  return statement;
}
parentPort.on('message', (message) => {
  if (message.close) {
    database.close();
    parentPort.close();
    return;
  }
  try {
    database.exec('BEGIN IMMEDIATE');
    try {
      for (const [sql, values] of message.statements) prepare(sql).run(...values);
      database.exec('COMMIT');
    } catch (error) {
      if (database.inTransaction) database.exec('ROLLBACK');
      throw error;
    }
    parentPort.postMessage({ id: message.id });
  } catch (error) {
    parentPort.postMessage({ id: message.id, error: { message: String(error && error.message), code: error && error.code } });
  }
});
`;
