import type { OpenAIBatch } from './batch-lifecycle.js';

const seconds = (milliseconds: number | null) =>
  milliseconds === null ? null : Math.floor(milliseconds / 1000);

/** The `Batch` object as the API returns it, every field present (null when not yet known). */
export function batchObject(batch: OpenAIBatch) {
  const { execution } = batch;
  return {
    id: batch.id,
    object: 'batch' as const,
    endpoint: batch.request.endpoint,
    errors: batch.errors ? { object: 'list', data: batch.errors } : null,
    input_file_id: batch.request.inputFileId,
    completion_window: batch.request.completionWindow,
    status: batch.status,
    output_file_id: batch.outputFileId,
    error_file_id: batch.errorFileId,
    created_at: seconds(batch.createdAt),
    in_progress_at: seconds(batch.at.inProgress),
    expires_at: seconds(batch.expiresAt),
    finalizing_at: seconds(batch.at.finalizing),
    completed_at: seconds(batch.at.completed),
    failed_at: seconds(batch.at.failed),
    expired_at: seconds(batch.at.expired),
    cancelling_at: seconds(batch.at.cancelling),
    cancelled_at: seconds(batch.at.cancelled),
    request_counts: {
      total: batch.total,
      completed: execution.counts.completed,
      failed: execution.counts.failed,
    },
    metadata: batch.request.metadata,
    // Known once validation has read the file, as at OpenAI.
    model: batch.validated ? batch.model : null,
    usage: execution.usage,
  };
}
