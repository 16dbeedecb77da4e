import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { newId } from '../../core/ids.js';
import type { SqlDriver } from '../../store/sql.js';
import type { RequestContext } from '../types.js';
import { canSee, listScope, teamOf } from './access.js';
import { openBatchStatuses } from './batch-records.js';
import { batchUploadLifetimeSeconds, expiryOf, uploadLifetime } from './expires-after.js';
import {
  type FileRecord,
  fileObject,
  getFile,
  insertFile,
  listFiles,
  markFileDeleted,
} from './file-records.js';
import { notFound, sendError, sendJson } from './http-replies.js';
import { MultipartError, readMultipartUpload } from './multipart-upload.js';

export interface FileRouteOptions {
  driver: SqlDriver;
  /** Where uploads and batch outputs are kept. */
  folder: string;
  maxFileBytes: number;
  now: () => number;
}

/**
 * `POST /v1/files`: the file part streamed to disk, then recorded for the caller's team, with
 * OpenAI's expiry: `expires_after` if given, else 30 days (the only purpose here is `batch`).
 */
export async function uploadFile(
  options: FileRouteOptions,
  request: IncomingMessage,
  response: ServerResponse,
  context: RequestContext,
): Promise<void> {
  const id = newId('file-', 24);
  const path = join(options.folder, id);
  let upload: Awaited<ReturnType<typeof readMultipartUpload>>;
  try {
    upload = await readMultipartUpload(request, () => createWriteStream(path), options.maxFileBytes);
  } catch (error) {
    await rm(path, { force: true });
    if (!(error instanceof MultipartError)) throw error;
    request.resume();
    const messages: Record<MultipartError['reason'], [number, string]> = {
      not_multipart: [
        400,
        `expected multipart/form-data, got ${request.headers['content-type'] ?? 'no content type'}`,
      ],
      malformed: [400, 'the multipart/form-data body could not be parsed'],
      too_large: [413, `the file is over ${options.maxFileBytes} bytes`],
      two_files: [400, 'expected one file part'],
    };
    const [status, message] = messages[error.reason];
    return sendError(response, status, { message, type: 'invalid_request_error', param: 'file' });
  }
  const purpose = upload.fields['purpose'];
  const refuse = (message: string, param: string) =>
    rm(path, { force: true }).then(() =>
      sendError(response, 400, { message, type: 'invalid_request_error', param, code: 'invalid_value' }),
    );
  if (!upload.file) return refuse("Missing required parameter: 'file'.", 'file');
  if (purpose !== 'batch') {
    return refuse(
      `purpose: this gateway stores files for batches only; expected 'batch', got '${purpose ?? ''}'`,
      'purpose',
    );
  }
  const lifetime = uploadLifetime(upload.fields);
  if ('error' in lifetime) return refuse(lifetime.error.message, lifetime.error.param);
  const createdAt = options.now();
  const file: FileRecord = {
    id,
    team: teamOf(context.caller),
    purpose: 'batch',
    filename: upload.file.filename,
    bytes: upload.file.bytes,
    path,
    createdAt,
    expiresAt: expiryOf(createdAt, lifetime.seconds ?? batchUploadLifetimeSeconds),
  };
  await insertFile(options.driver, file);
  sendJson(response, 200, fileObject(file));
}

/** `GET /v1/files`: the caller's files, newest first, in OpenAI's list shape. */
export async function listFileRoute(
  options: FileRouteOptions,
  response: ServerResponse,
  context: RequestContext,
  query: URLSearchParams,
): Promise<void> {
  const order = query.get('order') ?? 'desc';
  const limit = Number(query.get('limit') ?? 10_000);
  if (order !== 'asc' && order !== 'desc') {
    return sendError(response, 400, {
      message: `Invalid value: '${order}'. Supported values are: 'asc' and 'desc'.`,
      type: 'invalid_request_error',
      param: 'order',
      code: 'invalid_value',
    });
  }
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
    return sendError(response, 400, {
      message: 'limit: expected an integer from 1 to 10000',
      type: 'invalid_request_error',
      param: 'limit',
      code: 'invalid_value',
    });
  }
  const afterId = query.get('after');
  const after = afterId ? await visibleFile(options, context, afterId) : undefined;
  if (afterId && !after) return notFound(response, 'File object', afterId, 'after');
  const purpose = query.get('purpose');
  const files = await listFiles(options.driver, {
    team: listScope(context.caller),
    ...(purpose ? { purpose } : {}),
    order,
    limit: limit + 1,
    ...(after ? { after } : {}),
    now: options.now(),
  });
  const data = files.slice(0, limit).map(fileObject);
  sendJson(response, 200, {
    object: 'list',
    data,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
    has_more: files.length > limit,
  });
}

export async function retrieveFile(
  options: FileRouteOptions,
  response: ServerResponse,
  context: RequestContext,
  id: string,
): Promise<void> {
  const file = await visibleFile(options, context, id);
  if (!file) return notFound(response, 'File object', id);
  sendJson(response, 200, fileObject(file));
}

/** `GET /v1/files/{id}/content`: streamed from disk. */
export async function fileContent(
  options: FileRouteOptions,
  response: ServerResponse,
  context: RequestContext,
  id: string,
): Promise<void> {
  const file = await visibleFile(options, context, id);
  if (!file) return notFound(response, 'File object', id);
  response.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': String(file.bytes),
    'content-disposition': `attachment; filename="${file.filename.replace(/["\r\n]/g, '_')}"`,
  });
  await pipeline(createReadStream(file.path), response);
}

export async function deleteFile(
  options: FileRouteOptions,
  response: ServerResponse,
  context: RequestContext,
  id: string,
): Promise<void> {
  const file = await visibleFile(options, context, id);
  if (!file) return notFound(response, 'File object', id);
  // A running batch reads its input again when the gateway restarts (to find its job by fingerprint).
  const user = await options.driver.get<{ id: string }>(
    `SELECT id FROM async_batches WHERE input_file_id = ? AND status IN (${openBatchStatuses.map(() => '?').join(', ')})`,
    [id, ...openBatchStatuses],
  );
  if (user) {
    return sendError(response, 409, {
      message: `File ${id} is the input of batch ${user.id}, which has not ended; delete it once the batch has.`,
      type: 'invalid_request_error',
      param: 'file_id',
      code: 'file_in_use',
    });
  }
  if (!(await markFileDeleted(options.driver, id))) return notFound(response, 'File object', id);
  await rm(file.path, { force: true });
  sendJson(response, 200, { id, object: 'file', deleted: true });
}

/** The file, if it exists (has not expired) and the caller's team may see it. */
export async function visibleFile(
  options: { driver: SqlDriver; now: () => number },
  context: RequestContext,
  id: string,
): Promise<FileRecord | undefined> {
  const file = await getFile(options.driver, id, options.now());
  return file && canSee(context.caller, file.team) ? file : undefined;
}
