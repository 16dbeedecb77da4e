import type { Context, Hono } from 'hono';
import type { EmulatorContext, EmulatorEnv } from '../context.js';
import type { FaultInjector } from '../faults.js';
import { openAIError } from '../http-errors.js';
import { defineRoute } from '../routes.js';
import { readBatchInput } from './batch-input.js';
import { batchObject } from './batch-object.js';
import { batchRegistryFor } from './batch-registry.js';
import { checkCreateBatch } from './batch-request-validation.js';
import { ChunkedBytes } from './file-chunks.js';
import { listPage, parseListLimit } from './file-list-query.js';
import { fileStoreFor } from './file-store.js';

/**
 * `/v1/batches`: create, retrieve, list and cancel, as OpenAI's Batch API does them. Batches advance
 * on emulated time before every request (the app runs the tickers) and in the background.
 */
export function registerOpenAIBatchRoutes(
  app: Hono<EmulatorEnv>,
  context: EmulatorContext,
  faults: FaultInjector,
): void {
  const files = fileStoreFor(context);
  const registry = batchRegistryFor(context);
  const { limits } = context.options;

  defineRoute(app, context, faults, { family: 'openai', method: 'POST', path: '/v1/batches' }, async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return openAIError(c, 400, {
        message:
          "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
        type: 'invalid_request_error',
      });
    }
    const request = checkCreateBatch(body);
    if ('error' in request) return openAIError(c, 400, request.error);

    const file = files.get(request.inputFileId);
    if (!file) {
      // OpenAI has been seen naming `file_id` here; the emulator names the parameter the client sent.
      return openAIError(c, 400, {
        message: `Cannot find file ${request.inputFileId}, or project does not have access to it.`,
        type: 'invalid_request_error',
        param: 'input_file_id',
      });
    }
    if (file.purpose !== 'batch') {
      return openAIError(c, 400, {
        message: `Invalid file ${file.id}: batch input files must be uploaded with purpose 'batch', not '${file.purpose}'.`,
        type: 'invalid_request_error',
        param: 'input_file_id',
      });
    }
    // The file is read now, so the record says what was submitted; its problems surface when
    // validation ends on emulated time, as they do at OpenAI.
    const input = readBatchInput(new ChunkedBytes(file.content), request.endpoint, {
      maxRequests: limits.openaiBatchMaxRequests,
      maxBytes: limits.openaiBatchMaxBytes,
    });
    return c.json(batchObject(registry.create(request, input)));
  });

  defineRoute(app, context, faults, { family: 'openai', method: 'GET', path: '/v1/batches' }, (c) => {
    registry.advanceAll();
    const limit = parseListLimit(c.req.query('limit'), { fallback: 20, maximum: 100 });
    if ('error' in limit) return openAIError(c, 400, limit.error);
    const page = registry.list(c.req.query('after'), limit.limit);
    return c.json(listPage(page.data.map(batchObject), page.hasMore));
  });

  defineRoute(app, context, faults, { family: 'openai', method: 'GET', path: '/v1/batches/:id' }, (c) => {
    // A read sees the batch exactly as it stands now (the background ticker may be mid-slice).
    registry.advanceAll();
    const batch = registry.get(c.req.param('id') ?? '');
    return batch ? c.json(batchObject(batch)) : noSuchBatch(c);
  });

  defineRoute(
    app,
    context,
    faults,
    { family: 'openai', method: 'POST', path: '/v1/batches/:id/cancel' },
    (c) => {
      registry.advanceAll();
      const batch = registry.get(c.req.param('id') ?? '');
      if (!batch) return noSuchBatch(c);
      const refusal = batch.cancel(context.clock.now());
      if (refusal) {
        return openAIError(c, 409, {
          message: `Cannot cancel a batch with status '${refusal.refused}'.`,
          type: 'invalid_request_error',
        });
      }
      return c.json(batchObject(batch));
    },
  );
}

function noSuchBatch(c: Context<EmulatorEnv>): Response {
  return openAIError(c, 404, {
    message: `No batch found with id '${c.req.param('id')}'.`,
    type: 'invalid_request_error',
    param: 'batch_id',
  });
}
