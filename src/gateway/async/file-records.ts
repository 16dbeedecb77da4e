import type { SqlExecutor } from '../../store/sql.js';

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
}

export async function insertFile(executor: SqlExecutor, file: FileRecord): Promise<void> {
  await executor.run(
    `INSERT INTO async_files (id, team, purpose, filename, bytes, path, state, created_at)
     VALUES (?, ?, ?, ?, ?, ?, 'stored', ?)`,
    [file.id, file.team, file.purpose, file.filename, file.bytes, file.path, file.createdAt],
  );
}

export async function getFile(executor: SqlExecutor, id: string): Promise<FileRecord | undefined> {
  const row = await executor.get<FileRow>(
    `SELECT ${columns} FROM async_files WHERE id = ? AND state = 'stored'`,
    [id],
  );
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
  },
): Promise<FileRecord[]> {
  const where = ["state = 'stored'"];
  const values: Array<string | number> = [];
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

/** The File object as OpenAI's API returns it. */
export function fileObject(file: FileRecord) {
  return {
    id: file.id,
    object: 'file' as const,
    bytes: file.bytes,
    created_at: Math.floor(file.createdAt / 1000),
    expires_at: null,
    filename: file.filename,
    purpose: file.purpose,
    status: 'processed' as const,
    status_details: null,
  };
}

const columns = 'id, team, purpose, filename, bytes, path, created_at';

interface FileRow {
  id: string;
  team: string;
  purpose: FileRecord['purpose'];
  filename: string;
  bytes: number;
  path: string;
  created_at: number;
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
  };
}
