import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { newId } from '../../core/ids.js';
import { requestCancel } from '../../store/jobs.js';
import type { SqlDriver } from '../../store/sql.js';
import type { RequestContext } from '../types.js';
import { canSee, listScope, teamOf } from './access.js';
import {
  type BatchRecord,
  batchObject,
  getBatch,
  insertBatch,
  listBatches,
  updateBatch,
} from './batch-records.js';
import { expiresAfterSchema } from './expires-after.js';
import { visibleFile } from './file-routes.js';
import { notFound, readJsonBody, sendError, sendJson } from './http-replies.js';

/** Endpoints a `/v1/batches` batch may name, as at OpenAI. */
export const batchApiEndpoints = [
  '/v1/chat/completions',
  '/v1/embeddings',
  '/v1/responses',
  '/v1/completions',
  '/v1/moderations',
] as const;

const createBatchSchema = z.object({
  input_file_id: z.string().min(1),
  endpoint: z.enum(batchApiEndpoints),
  completion_window: z.literal('24h'),
  // OpenAI: up to 16 pairs, keys up to 64 characters, values up to 512.
  metadata: z
    .record(z.string().max(64), z.string().max(512))
    .refine((metadata) => Object.keys(metadata).length <= 16, 'at most 16 metadata pairs')
    .nullish(),
  // The output and error files' lifetime from their own creation; without it they persist.
  output_expires_after: expiresAfterSchema.optional(),
});

export interface BatchRouteOptions {
  driver: SqlDriver;
  now: () => number;
  /** Starts the batch's run in the background. */
  start: (batch: BatchRecord) => void;
}

/** The provider window; a batch that has not finished by then runs its rest synchronously. */
const windowMs = 24 * 3_600_000;

/** `POST /v1/batches`: recorded, then run in the background; answers with the `validating` batch. */
export async function createBatch(
  options: BatchRouteOptions,
  request: IncomingMessage,
  response: ServerResponse,
  context: RequestContext,
): Promise<void> {
  const body = await readJsonBody(request, createBatchSchema);
  if (!body.ok) return sendError(response, body.status, body.error);
  const {
    input_file_id: inputFileId,
    endpoint,
    metadata,
    output_expires_after: outputExpiresAfter,
  } = body.value;
  const file = await visibleFile(options, context, inputFileId);
  if (file?.purpose !== 'batch') {
    return sendError(response, 400, {
      message: file
        ? `File ${inputFileId} has purpose '${file.purpose}', expected 'batch'.`
        : `No such File object: ${inputFileId}`,
      type: 'invalid_request_error',
      param: 'input_file_id',
      code: 'invalid_value',
    });
  }
  const now = options.now();
  const batch: BatchRecord = {
    id: newId('batch_', 24),
    team: teamOf(context.caller),
    inputFileId,
    endpoint,
    completionWindow: '24h',
    metadata: metadata ?? null,
    // The workload the ledger counts the batch under: header, then metadata, then a name of its own.
    workload: context.workload ?? metadata?.['workload'] ?? 'batch-api',
    status: 'validating',
    jobId: null,
    outputFileId: null,
    errorFileId: null,
    errors: null,
    total: 0,
    completed: 0,
    failed: 0,
    createdAt: now,
    inProgressAt: null,
    finalizingAt: null,
    completedAt: null,
    failedAt: null,
    cancellingAt: null,
    cancelledAt: null,
    expiresAt: now + windowMs,
    outputExpiresAfterSeconds: outputExpiresAfter?.seconds ?? null,
  };
  await insertBatch(options.driver, batch);
  options.start(batch);
  sendJson(response, 200, batchObject(batch));
}

export async function retrieveBatch(
  options: BatchRouteOptions,
  response: ServerResponse,
  context: RequestContext,
  id: string,
): Promise<void> {
  const batch = await getBatch(options.driver, id);
  if (!batch || !canSee(context.caller, batch.team)) return notFound(response, 'batch', id, 'batch_id');
  sendJson(response, 200, batchObject(batch));
}

/** `POST /v1/batches/{id}/cancel`: `cancelling` at once; the run cancels the provider batches and keeps finished lines. */
export async function cancelBatch(
  options: BatchRouteOptions,
  response: ServerResponse,
  context: RequestContext,
  id: string,
): Promise<void> {
  const batch = await getBatch(options.driver, id);
  if (!batch || !canSee(context.caller, batch.team)) return notFound(response, 'batch', id, 'batch_id');
  const moved = await updateBatch(options.driver, id, { status: 'cancelling', cancellingAt: options.now() }, [
    'validating',
    'in_progress',
  ]);
  if (!moved && batch.status !== 'cancelling') {
    return sendError(response, 409, {
      message: `Cannot cancel a batch with status '${batch.status}'.`,
      type: 'invalid_request_error',
      param: null,
      code: 'batch_not_cancellable',
    });
  }
  const current = (await getBatch(options.driver, id))!;
  if (current.jobId) await requestCancel(options.driver, current.jobId, options.now());
  sendJson(response, 200, batchObject(current));
}

export async function listBatchRoute(
  options: BatchRouteOptions,
  response: ServerResponse,
  context: RequestContext,
  query: URLSearchParams,
): Promise<void> {
  const limit = Number(query.get('limit') ?? 20);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    return sendError(response, 400, {
      message: 'limit: expected an integer from 1 to 100',
      type: 'invalid_request_error',
      param: 'limit',
      code: 'invalid_value',
    });
  }
  const afterId = query.get('after');
  let after: BatchRecord | undefined;
  if (afterId) {
    after = await getBatch(options.driver, afterId);
    if (!after || !canSee(context.caller, after.team)) return notFound(response, 'batch', afterId, 'after');
  }
  const batches = await listBatches(options.driver, {
    team: listScope(context.caller),
    limit: limit + 1,
    ...(after ? { after } : {}),
  });
  const data = batches.slice(0, limit).map(batchObject);
  sendJson(response, 200, {
    object: 'list',
    data,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
    has_more: batches.length > limit,
  });
}
