import type { Context, Hono } from 'hono';
import type { EmulatorContext, EmulatorEnv } from '../context.js';
import type { FaultInjector } from '../faults.js';
import { openAIError } from '../http-errors.js';
import { defineRoute } from '../routes.js';
import { listPage, parseListLimit } from './file-list-query.js';
import { readMultipart } from './file-multipart.js';
import { fileObject, fileStoreFor } from './file-store.js';
import { checkUpload } from './file-upload-validation.js';

/** Room for the multipart framing and the small fields around the file itself. */
const multipartOverheadBytes = 1024 * 1024;

/** `/v1/files`: upload, list, retrieve, download and delete, as OpenAI's Files API does them. */
export function registerOpenAIFileRoutes(
  app: Hono<EmulatorEnv>,
  context: EmulatorContext,
  faults: FaultInjector,
): void {
  const store = fileStoreFor(context);
  const maxFileBytes = context.options.limits.openaiFileMaxBytes;

  defineRoute(app, context, faults, { family: 'openai', method: 'POST', path: '/v1/files' }, async (c) => {
    const multipart = await readMultipart(c.req.raw, c.env?.incoming, maxFileBytes + multipartOverheadBytes);
    if (!multipart.ok) {
      if (multipart.reason === 'too_large') return fileTooLarge(c, maxFileBytes);
      return openAIError(c, 400, {
        message:
          multipart.reason === 'not_multipart'
            ? `Invalid Content-Type header (${c.req.header('content-type') ?? 'none'}), expected multipart/form-data.`
            : 'The multipart/form-data body could not be parsed.',
        type: 'invalid_request_error',
      });
    }
    const upload = checkUpload(multipart.parts, context.clock.nowSeconds());
    if ('error' in upload) return openAIError(c, 400, upload.error);
    if (upload.bytes > maxFileBytes) return fileTooLarge(c, maxFileBytes);

    const file = store.add(upload);
    context.record.files.push({
      id: file.id,
      purpose: file.purpose,
      filename: file.filename,
      bytes: file.bytes,
      createdAt: context.clock.now(),
      deleted: false,
    });
    return c.json(fileObject(file));
  });

  defineRoute(app, context, faults, { family: 'openai', method: 'GET', path: '/v1/files' }, (c) => {
    const order = c.req.query('order') ?? 'desc';
    if (order !== 'asc' && order !== 'desc') {
      return openAIError(c, 400, {
        message: `Invalid value: '${order}'. Supported values are: 'asc' and 'desc'.`,
        type: 'invalid_request_error',
        param: 'order',
        code: 'invalid_value',
      });
    }
    const limit = parseListLimit(c.req.query('limit'), { fallback: 10_000, maximum: 10_000 });
    if ('error' in limit) return openAIError(c, 400, limit.error);
    const page = store.list({
      purpose: c.req.query('purpose'),
      order,
      limit: limit.limit,
      after: c.req.query('after'),
    });
    return c.json(listPage(page.data.map(fileObject), page.hasMore));
  });

  defineRoute(app, context, faults, { family: 'openai', method: 'GET', path: '/v1/files/:id' }, (c) => {
    const file = store.get(c.req.param('id') ?? '');
    return file ? c.json(fileObject(file)) : noSuchFile(c);
  });

  defineRoute(
    app,
    context,
    faults,
    { family: 'openai', method: 'GET', path: '/v1/files/:id/content' },
    (c) => {
      const file = store.get(c.req.param('id') ?? '');
      if (!file) return noSuchFile(c);
      return c.body(contentStream(file.content), 200, {
        'content-type': 'application/octet-stream',
        'content-length': String(file.bytes),
      });
    },
  );

  defineRoute(app, context, faults, { family: 'openai', method: 'DELETE', path: '/v1/files/:id' }, (c) => {
    const id = c.req.param('id') ?? '';
    if (!store.delete(id)) return noSuchFile(c);
    for (const recorded of context.record.files) if (recorded.id === id) recorded.deleted = true;
    return c.json({ id, object: 'file', deleted: true });
  });
}

/** Streams the stored pieces as they are, so a large file is never copied into one buffer to be sent. */
function contentStream(pieces: readonly Buffer[]): ReadableStream<Uint8Array> {
  let next = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const piece = pieces[next++];
      if (piece) controller.enqueue(piece);
      else controller.close();
    },
  });
}

function noSuchFile(c: Context<EmulatorEnv>): Response {
  return openAIError(c, 404, {
    message: `No such File object: ${c.req.param('id')}`,
    type: 'invalid_request_error',
    param: 'id',
  });
}

function fileTooLarge(c: Context<EmulatorEnv>, maxFileBytes: number): Response {
  return openAIError(c, 413, {
    message: `File is too large. The maximum size of a file is ${maxFileBytes} bytes.`,
    type: 'invalid_request_error',
    param: 'file',
  });
}
