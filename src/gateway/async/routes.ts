import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestContext } from '../types.js';
import {
  type BatchRouteOptions,
  cancelBatch,
  createBatch,
  listBatchRoute,
  retrieveBatch,
} from './batch-routes.js';
import {
  deleteFile,
  type FileRouteOptions,
  fileContent,
  listFileRoute,
  retrieveFile,
  uploadFile,
} from './file-routes.js';
import { sendError } from './http-replies.js';
import { serveRequest, serveRequestList } from './polling.js';

export interface RouteOptions {
  files: FileRouteOptions;
  batches: BatchRouteOptions;
  retryAfterSeconds: number;
}

type Handler = (
  options: RouteOptions,
  request: IncomingMessage,
  response: ServerResponse,
  context: RequestContext,
  id: string,
  query: URLSearchParams,
) => Promise<void>;

/** The async lane's routes: method, path pattern (one optional `{id}`), handler. */
const routes: Array<{ method: string; pattern: RegExp; handler: Handler }> = [
  {
    method: 'GET',
    pattern: /^\/v1\/spendwall\/requests$/,
    handler: (options, _request, response, context, _id, query) =>
      serveRequestList(options.files.driver, response, context, query),
  },
  {
    method: 'GET',
    pattern: /^\/v1\/spendwall\/requests\/([^/]+)$/,
    handler: (options, _request, response, context, id) =>
      serveRequest(options.files.driver, response, context, id, options.retryAfterSeconds),
  },
  {
    method: 'POST',
    pattern: /^\/v1\/files$/,
    handler: (options, request, response, context) => uploadFile(options.files, request, response, context),
  },
  {
    method: 'GET',
    pattern: /^\/v1\/files$/,
    handler: (options, _request, response, context, _id, query) =>
      listFileRoute(options.files, response, context, query),
  },
  {
    method: 'GET',
    pattern: /^\/v1\/files\/([^/]+)$/,
    handler: (options, _request, response, context, id) => retrieveFile(options.files, response, context, id),
  },
  {
    method: 'DELETE',
    pattern: /^\/v1\/files\/([^/]+)$/,
    handler: (options, _request, response, context, id) => deleteFile(options.files, response, context, id),
  },
  {
    method: 'GET',
    pattern: /^\/v1\/files\/([^/]+)\/content$/,
    handler: (options, _request, response, context, id) => fileContent(options.files, response, context, id),
  },
  {
    method: 'POST',
    pattern: /^\/v1\/batches$/,
    handler: (options, request, response, context) =>
      createBatch(options.batches, request, response, context),
  },
  {
    method: 'GET',
    pattern: /^\/v1\/batches$/,
    handler: (options, _request, response, context, _id, query) =>
      listBatchRoute(options.batches, response, context, query),
  },
  {
    method: 'GET',
    pattern: /^\/v1\/batches\/([^/]+)$/,
    handler: (options, _request, response, context, id) =>
      retrieveBatch(options.batches, response, context, id),
  },
  {
    method: 'POST',
    pattern: /^\/v1\/batches\/([^/]+)\/cancel$/,
    handler: (options, _request, response, context, id) =>
      cancelBatch(options.batches, response, context, id),
  },
];

/** Serves the request if its path is one of the async lane's; false when it is not. */
export async function route(
  options: RouteOptions,
  request: IncomingMessage,
  response: ServerResponse,
  context: RequestContext,
): Promise<boolean> {
  const url = new URL(request.url ?? '/', 'http://gateway');
  const matching = routes.filter((candidate) => candidate.pattern.test(url.pathname));
  if (matching.length === 0) return false;
  const found = matching.find((candidate) => candidate.method === request.method);
  if (!found) {
    request.resume();
    response.setHeader('allow', matching.map((candidate) => candidate.method).join(', '));
    sendError(response, 405, {
      message: `${request.method} is not allowed on ${url.pathname}`,
      type: 'invalid_request_error',
      code: 'method_not_allowed',
    });
    return true;
  }
  const raw = found.pattern.exec(url.pathname)?.[1] ?? '';
  let id = raw;
  try {
    id = decodeURIComponent(raw);
  } catch {
    // A malformed escape is looked up as written, and found nowhere.
  }
  await found.handler(options, request, response, context, id, url.searchParams);
  return true;
}
