import type { SqlExecutor, SqlValue } from '../../store/sql.js';
import { openBatchStatuses } from './batch-records.js';

/** A file of the OpenAI-compatible Files API: an upload (`batch`) or a batch's output (`batch_output`). */
export interface FileRecord {
  id: string;
  team: string;
  purpose: 'batch' | 'batch_output';
  filename: string;
  bytes: number;
  /** Where the bytes are on disk, under Spendwall's home. */
  path: string;
  createdAt: number;
  /** When the file expires (epoch ms), or null: kept until deleted. */
  expiresAt: number | null;
}

export async function insertFile(executor: SqlExecutor, file: FileRecord): Promise<void> {
  await executor.run(
    `INSERT INTO async_files (id, team, purpose, filename, bytes, path, state, created_at, expires_at)
     VALUES (?, ?, ?, ?, ?, ?, 'stored', ?, ?)`,
    [file.id, file.team, file.purpose, file.filename, file.bytes, file.path, file.createdAt, file.expiresAt],
  );
}

/** The statuses of a batch that has not ended, as `(?, ?, …)` and its values. */
const openStatusList = `(${openBatchStatuses.map(() => '?').join(', ')})`;

/**
 * The files that exist at `now`: stored and not expired. An expired file that is still the input
 * of a batch that has not ended stays too (the runner reads it again after a restart): it goes
 * once that batch ends, on the sweep after. So the API shows exactly the files the sweep keeps.
 */
function liveAt(now: number): { sql: string; values: SqlValue[] } {
  return {
    sql: `state = 'stored' AND (expires_at IS NULL OR expires_at > ?
      OR id IN (SELECT input_file_id FROM async_batches WHERE status IN ${openStatusList}))`,
    values: [now, ...openBatchStatuses],
  };
}

/** The file, if it exists at `now` (see `liveAt`). */
export async function getFile(
  executor: SqlExecutor,
  id: string,
  now: number,
): Promise<FileRecord | undefined> {
  const live = liveAt(now);
  const row = await executor.get<FileRow>(`SELECT ${columns} FROM async_files WHERE id = ? AND ${live.sql}`, [
    id,
    ...live.values,
  ]);
  return row && toFile(row);
}

/** A page of files, newest first (or oldest with `order: 'asc'`), after the file `after`. */
export async function listFiles(
  executor: SqlExecutor,
  query: {
    team: string | undefined;
    purpose?: string;
    order: 'asc' | 'desc';
    limit: number;
    after?: FileRecord;
    now: number;
  },
): Promise<FileRecord[]> {
  const live = liveAt(query.now);
  const where = [live.sql];
  const values: SqlValue[] = [...live.values];
  if (query.team !== undefined) {
    where.push('team = ?');
    values.push(query.team);
  }
  if (query.purpose) {
    where.push('purpose = ?');
    values.push(query.purpose);
  }
  const direction = query.order === 'asc' ? 'ASC' : 'DESC';
  if (query.after) {
    const comparison = query.order === 'asc' ? '>' : '<';
    where.push(`(created_at ${comparison} ? OR (created_at = ? AND id ${comparison} ?))`);
    values.push(query.after.createdAt, query.after.createdAt, query.after.id);
  }
  const rows = await executor.all<FileRow>(
    `SELECT ${columns} FROM async_files WHERE ${where.join(' AND ')}
     ORDER BY created_at ${direction}, id ${direction} LIMIT ?`,
    [...values, query.limit],
  );
  return rows.map(toFile);
}

export async function markFileDeleted(executor: SqlExecutor, id: string): Promise<boolean> {
  return (
    (await executor.run("UPDATE async_files SET state = 'deleted' WHERE id = ? AND state = 'stored'", [
      id,
    ])) === 1
  );
}

/**
 * Stored files expired by `now` that no open batch reads, oldest expiry first: what a sweep
 * removes (the complement of `liveAt`).
 */
export async function expiredFiles(
  executor: SqlExecutor,
  now: number,
  limit: number,
): Promise<Array<{ id: string; path: string }>> {
  return executor.all<{ id: string; path: string }>(
    `SELECT id, path FROM async_files WHERE ${expiredSql} ORDER BY expires_at LIMIT ?`,
    [now, ...openBatchStatuses, limit],
  );
}

/**
 * Marks one expired file deleted, if it still is expired, stored and unused: of two sweeping
 * processes only one gets `true`, and only that one removes the bytes.
 */
export async function markExpiredFileDeleted(
  executor: SqlExecutor,
  id: string,
  now: number,
): Promise<boolean> {
  const changed = await executor.run(
    `UPDATE async_files SET state = 'deleted' WHERE id = ? AND ${expiredSql}`,
    [id, now, ...openBatchStatuses],
  );
  return changed === 1;
}

const expiredSql = `state = 'stored' AND expires_at <= ?
  AND id NOT IN (SELECT input_file_id FROM async_batches WHERE status IN ${openStatusList})`;

/** The File object as OpenAI's API returns it. */
export function fileObject(file: FileRecord) {
  return {
    id: file.id,
    object: 'file' as const,
    bytes: file.bytes,
    created_at: Math.floor(file.createdAt / 1000),
    expires_at: file.expiresAt === null ? null : Math.floor(file.expiresAt / 1000),
    filename: file.filename,
    purpose: file.purpose,
    status: 'processed' as const,
    status_details: null,
  };
}

const columns = 'id, team, purpose, filename, bytes, path, created_at, expires_at';

interface FileRow {
  id: string;
  team: string;
  purpose: FileRecord['purpose'];
  filename: string;
  bytes: number;
  path: string;
  created_at: number;
  expires_at: number | null;
}

function toFile(row: FileRow): FileRecord {
  return {
    id: row.id,
    team: row.team,
    purpose: row.purpose,
    filename: row.filename,
    bytes: Number(row.bytes),
    path: row.path,
    createdAt: Number(row.created_at),
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
  };
}
