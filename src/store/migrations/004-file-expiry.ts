/**
 * Files expire the way OpenAI's do: `async_files.expires_at` (created by migration 3, unused
 * until now) is set from an upload's `expires_after` (30 days by default for `purpose=batch`) or
 * from its batch's `output_expires_after`; the sweep finds expired stored files by it. Portable SQL.
 */
export const fileExpiryMigration = {
  version: 4,
  name: 'file-expiry',
  statements: [
    // `output_expires_after.seconds` of a batch, applied when its output and error files are written.
    'ALTER TABLE async_batches ADD COLUMN output_expires_after_seconds BIGINT',
    // Partial: only files that can still expire are in it, so the sweep reads a short index.
    `CREATE INDEX async_files_expiring ON async_files (expires_at)
      WHERE state = 'stored' AND expires_at IS NOT NULL`,
  ],
};
