import { closeSync, fsyncSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The files a job keeps beside its records, under `<home>/jobs/<job id>/` (see
 * docs/decisions/2026-11-27-lean-batch-storage.md): `bodies`, the accepted requests' bodies
 * appended at ingest, and `<chunk id>.results.<first>-<last>.jsonl`, the results lines of a provider
 * batch's succeeded requests, in buckets by input line (results-file.ts). A file is written and synced before the commit that refers to it, so a
 * committed record never points at bytes that are not on disk; bytes no commit refers to are
 * overwritten or ignored.
 */
export function jobFolder(home: string, jobId: string): string {
  return join(home, 'jobs', jobId);
}

/** The folder of a job's files: the one its record names, else (an older job) the default one. */
export function filesOf(job: { id: string; filesPath: string | null }, home: string): string {
  return job.filesPath ?? jobFolder(home, job.id);
}

/** The job's request bodies, one after another (offsets and lengths are in the requests' rows). */
export function bodiesPath(folder: string): string {
  return join(folder, 'bodies');
}

/**
 * A chunk's succeeded results: the name its bucket files are named from (`<chunk>.results.<first
 * line>-<last line>.jsonl`), and the one file an older version wrote them to, in input order.
 */
export function chunkResultsPath(folder: string, chunkId: string): string {
  return join(folder, `${chunkId}.results.jsonl`);
}

/** Creates the folder a file goes in. */
export function ensureFolderOf(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
}

/** Syncs a folder, so a file created or renamed in it survives a power loss as well as a crash. */
export function syncFolder(path: string): void {
  let descriptor: number | undefined;
  try {
    descriptor = openSync(path, 'r');
    fsyncSync(descriptor);
  } catch {
    // Some file systems refuse to sync a directory; the file's own sync still holds.
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}
