/**
 * Request payloads leave the database (docs/decisions/2026-11-27-lean-batch-storage.md): a job's
 * request bodies are appended at ingest to `jobs/<job>/bodies` under Spendwall's home, and a
 * provider batch's succeeded results to `jobs/<job>/<chunk>.results.jsonl`, each written and
 * synced before the commit that refers to it. Portable SQL. Rows written before this migration
 * keep their payloads in `request_bodies` and `responses`, and are read from there.
 */
export const jobFilesMigration = {
  version: 5,
  name: 'job-files',
  statements: [
    // The job's folder for these files, absolute, so that any process on the machine finds them
    // (NULL for a job created before this migration: it uses <home>/jobs/<id> of the process).
    'ALTER TABLE jobs ADD COLUMN files_path TEXT',
    // Bytes of the bodies file that committed requests refer to: a resumed ingest writes from here.
    'ALTER TABLE jobs ADD COLUMN bodies_bytes BIGINT NOT NULL DEFAULT 0',
    // Where the request's body starts in its job's bodies file (its length is body_bytes); NULL
    // for a request ingested before this migration, whose body is in request_bodies.
    'ALTER TABLE requests ADD COLUMN body_offset BIGINT',
    // 1 when the request's results line is in its chunk's results file (chunk_id names it).
    'ALTER TABLE requests ADD COLUMN result_in_file INTEGER NOT NULL DEFAULT 0',
  ],
};
