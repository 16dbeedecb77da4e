/**
 * The gateway's async lane: requests accepted with `Prefer: respond-async`, the flushes that
 * carry them into the batch lane's engine, and the OpenAI-compatible files and batches. Portable
 * SQL (SQLite and Postgres); times are epoch milliseconds, money integer nano-USD. `team` is ''
 * for work the admin key submitted.
 */
export const asyncLaneMigration = {
  version: 3,
  name: 'async-lane',
  statements: [
    // Everything needed to run the request after a crash: who sent it, what, where to, by when,
    // and where its result went. `state`: queued → in_progress (in a flush) → completed | failed.
    `CREATE TABLE async_requests (
      id TEXT PRIMARY KEY,
      team TEXT NOT NULL,
      key_id TEXT NOT NULL,
      client_request_id TEXT NOT NULL,
      workload TEXT NOT NULL,
      provider TEXT NOT NULL,
      endpoint TEXT NOT NULL,
      model TEXT NOT NULL,
      metadata TEXT,
      body TEXT NOT NULL,
      webhook_url TEXT,
      deadline_at BIGINT NOT NULL,
      state TEXT NOT NULL,
      flush_id TEXT,
      lane TEXT,
      status_code INTEGER,
      response TEXT,
      error TEXT,
      cost_nanousd BIGINT,
      created_at BIGINT NOT NULL,
      finished_at BIGINT,
      webhook_state TEXT,
      webhook_attempts INTEGER NOT NULL DEFAULT 0,
      webhook_next_at BIGINT,
      webhook_last_status INTEGER
    )`,
    // Only waiting requests are grouped into flushes: a partial index that stays small.
    `CREATE INDEX async_requests_to_flush ON async_requests (team, workload, provider, model, created_at)
      WHERE state = 'queued'`,
    // Partial: an accepted request has no flush yet, so acceptance does not touch this index.
    'CREATE INDEX async_requests_by_flush ON async_requests (flush_id) WHERE flush_id IS NOT NULL',
    'CREATE INDEX async_requests_by_team ON async_requests (team, state, created_at)',
    `CREATE INDEX async_requests_webhooks_due ON async_requests (webhook_next_at)
      WHERE webhook_state = 'pending'`,
    // A flush is recorded (with its requests claimed) before its file is run, so a restart finds
    // it, rebuilds the same file and resumes the same engine job by fingerprint.
    `CREATE TABLE async_flushes (
      id TEXT PRIMARY KEY,
      team TEXT NOT NULL,
      workload TEXT NOT NULL,
      provider TEXT NOT NULL,
      model TEXT NOT NULL,
      reason TEXT NOT NULL,
      request_count INTEGER NOT NULL,
      input_path TEXT NOT NULL,
      output_path TEXT NOT NULL,
      deadline_at BIGINT NOT NULL,
      state TEXT NOT NULL,
      job_id TEXT,
      error TEXT,
      created_at BIGINT NOT NULL,
      finished_at BIGINT
    )`,
    'CREATE INDEX async_flushes_by_state ON async_flushes (state)',
    `CREATE TABLE async_files (
      id TEXT PRIMARY KEY,
      team TEXT NOT NULL,
      purpose TEXT NOT NULL,
      filename TEXT NOT NULL,
      bytes BIGINT NOT NULL,
      path TEXT NOT NULL,
      state TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      expires_at BIGINT
    )`,
    'CREATE INDEX async_files_by_team ON async_files (team, created_at)',
    `CREATE TABLE async_batches (
      id TEXT PRIMARY KEY,
      team TEXT NOT NULL,
      input_file_id TEXT NOT NULL,
      endpoint TEXT NOT NULL,
      completion_window TEXT NOT NULL,
      metadata TEXT,
      workload TEXT NOT NULL,
      status TEXT NOT NULL,
      job_id TEXT,
      output_file_id TEXT,
      error_file_id TEXT,
      errors TEXT,
      total BIGINT NOT NULL DEFAULT 0,
      completed BIGINT NOT NULL DEFAULT 0,
      failed BIGINT NOT NULL DEFAULT 0,
      created_at BIGINT NOT NULL,
      in_progress_at BIGINT,
      finalizing_at BIGINT,
      completed_at BIGINT,
      failed_at BIGINT,
      cancelling_at BIGINT,
      cancelled_at BIGINT,
      expires_at BIGINT NOT NULL
    )`,
    'CREATE INDEX async_batches_by_team ON async_batches (team, created_at)',
    'CREATE INDEX async_batches_by_status ON async_batches (status)',
  ],
};
