import type { Context, Hono } from 'hono';
import type { EmulatorContext, EmulatorEnv } from '../context.js';
import type { FaultInjector } from '../faults.js';
import { anthropicError } from '../http-errors.js';
import { defineRoute } from '../routes.js';
import { type AnthropicBatch, AnthropicBatchStore } from './batch-lifecycle.js';
import { parseBatchCreation, parseListQuery } from './batch-requests.js';
import { batchObject, resultLines } from './batch-results.js';
import { missingVersionHeader, readJsonBody } from './request-checks.js';

const collectionPath = '/v1/messages/batches';

/** Anthropic's Message Batches API: create, retrieve, list, cancel, results (JSONL) and delete. */
export function registerAnthropicMessageBatchRoutes(
  app: Hono<EmulatorEnv>,
  context: EmulatorContext,
  faults: FaultInjector,
): void {
  const store = new AnthropicBatchStore(context);
  context.tickers.push(() => store.advanceAll());
  const route = (
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    handler: (c: Context<EmulatorEnv>) => Promise<Response> | Response,
  ) =>
    defineRoute(
      app,
      context,
      faults,
      { family: 'anthropic', method, path },
      (c) => missingVersionHeader(c) ?? handler(c),
    );

  route('POST', collectionPath, async (c) => {
    const reading = await readJsonBody(c, context.options.limits.anthropicBatchMaxBytes);
    if (!reading.ok) return reading.response;
    const creation = parseBatchCreation(reading.body, context.options.limits.anthropicBatchMaxRequests);
    if (!creation.ok) return anthropicError(c, 400, 'invalid_request_error', creation.message);
    return c.json(batchObject(store.create(creation.requests), apiBaseUrl(c)));
  });

  route('GET', collectionPath, (c) => {
    const parsed = parseListQuery(c.req.query());
    if (!parsed.ok) return anthropicError(c, 400, 'invalid_request_error', parsed.message);
    const { limit, beforeId, afterId } = parsed.query;
    const all = store.newestFirst();
    const cursor = beforeId ?? afterId;
    const cursorIndex = cursor === undefined ? -1 : all.findIndex((batch) => batch.id === cursor);
    if (cursor !== undefined && cursorIndex < 0) {
      const field = beforeId ? 'before_id' : 'after_id';
      return anthropicError(
        c,
        400,
        'invalid_request_error',
        `${field}: no message batch with id '${cursor}'`,
      );
    }
    // after_id pages toward older batches, before_id toward newer ones; data stays newest first.
    const candidates = (beforeId ? all.slice(0, cursorIndex) : all.slice(cursorIndex + 1)).filter(
      (batch) => !batch.deleted,
    );
    const page = beforeId
      ? candidates.slice(Math.max(0, candidates.length - limit))
      : candidates.slice(0, limit);
    const base = apiBaseUrl(c);
    return c.json({
      data: page.map((batch) => batchObject(batch, base)),
      has_more: candidates.length > limit,
      first_id: page[0]?.id ?? null,
      last_id: page.at(-1)?.id ?? null,
    });
  });

  route('GET', `${collectionPath}/:id`, (c) =>
    withBatch(c, store, (batch) => c.json(batchObject(batch, apiBaseUrl(c)))),
  );

  route('POST', `${collectionPath}/:id/cancel`, (c) =>
    withBatch(c, store, (batch) => {
      if (batch.status === 'ended') {
        return anthropicError(
          c,
          400,
          'invalid_request_error',
          `Message batch ${batch.id} has already ended and can no longer be canceled.`,
        );
      }
      store.cancel(batch);
      return c.json(batchObject(batch, apiBaseUrl(c)));
    }),
  );

  route('GET', `${collectionPath}/:id/results`, (c) =>
    withBatch(c, store, (batch) => {
      if (batch.status !== 'ended') {
        return anthropicError(
          c,
          400,
          'invalid_request_error',
          `Message batch ${batch.id} has not finished processing; its results are available once processing_status is "ended".`,
        );
      }
      return c.body(jsonlStream(resultLines(batch, context.options.seed)), 200, {
        'content-type': 'application/x-jsonl',
      });
    }),
  );

  route('DELETE', `${collectionPath}/:id`, (c) =>
    withBatch(c, store, (batch) => {
      if (batch.status !== 'ended') {
        return anthropicError(
          c,
          400,
          'invalid_request_error',
          `Message batch ${batch.id} is still processing and cannot be deleted; cancel it and delete it once it has ended.`,
        );
      }
      store.delete(batch);
      return c.json({ id: batch.id, type: 'message_batch_deleted' });
    }),
  );
}

function withBatch(
  c: Context<EmulatorEnv>,
  store: AnthropicBatchStore,
  handler: (batch: AnthropicBatch) => Response,
): Response {
  const id = c.req.param('id') ?? '';
  const batch = store.get(id);
  if (!batch) return anthropicError(c, 404, 'not_found_error', `No message batch with id '${id}' was found.`);
  return handler(batch);
}

/**
 * The base URL clients reached this API on (scheme, host and any mount prefix), so `results_url`
 * points back at this emulator whether it is served on a port or called in process.
 */
function apiBaseUrl(c: Context<EmulatorEnv>): string {
  const url = new URL(c.req.url);
  const at = url.pathname.indexOf(collectionPath);
  return `${url.origin}${at > 0 ? url.pathname.slice(0, at) : ''}`;
}

/** Writes lines in chunks as the client reads them, so a 100,000-line file is never one string. */
function jsonlStream(lines: Iterator<string>, linesPerChunk = 500): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      let chunk = '';
      for (let count = 0; count < linesPerChunk; count++) {
        const next = lines.next();
        if (next.done) {
          if (chunk) controller.enqueue(encoder.encode(chunk));
          controller.close();
          return;
        }
        chunk += next.value;
      }
      controller.enqueue(encoder.encode(chunk));
    },
  });
}
