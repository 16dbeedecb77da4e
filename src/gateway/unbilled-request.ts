import type { IncomingMessage, ServerResponse } from 'node:http';
import { forwardedHeaders, readAll } from './answer.js';
import { GatewayError } from './errors.js';
import { standardHeaders, upstreamHeaders } from './headers.js';
import { runRealtime } from './lanes.js';
import { readBody } from './request-body.js';
import type { GatewayRuntime, Outcome } from './runtime.js';
import type { GatewayProvider } from './upstreams.js';

/**
 * `GET /v1/models` (and `/v1/models/{id}`), passed to the provider the client speaks: Anthropic
 * SDKs send `anthropic-version`, OpenAI SDKs do not. No ledger row: nothing is billed.
 */
export function serveModels(
  runtime: GatewayRuntime,
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  query: string,
  requestId: string,
  outcome: Outcome,
): Promise<void> {
  const provider: GatewayProvider = request.headers[standardHeaders.anthropicVersion]
    ? 'anthropic'
    : 'openai';
  const upstreamPath = (provider === 'openai' ? path.slice('/v1'.length) : path) + query;
  return passThrough(runtime, request, response, provider, upstreamPath, null, requestId, outcome);
}

/**
 * Anthropic's `POST /v1/messages/count_tokens` (the SDK's `messages.countTokens()`): free at the
 * provider, so passed through at once, with no lane, no routing and no ledger row.
 */
export async function serveCountTokens(
  runtime: GatewayRuntime,
  request: IncomingMessage,
  response: ServerResponse,
  requestId: string,
  outcome: Outcome,
): Promise<void> {
  const body = await readBody(request, runtime.maxBodyBytes);
  await passThrough(
    runtime,
    request,
    response,
    'anthropic',
    '/v1/messages/count_tokens',
    body,
    requestId,
    outcome,
  );
}

/** One unbilled call on the interactive pool, its answer passed back as it came. */
async function passThrough(
  runtime: GatewayRuntime,
  request: IncomingMessage,
  response: ServerResponse,
  provider: GatewayProvider,
  upstreamPath: string,
  body: Buffer | null,
  requestId: string,
  outcome: Outcome,
): Promise<void> {
  outcome.provider = provider;
  const upstream = runtime.upstreams.get(provider);
  if (!upstream) {
    throw new GatewayError(503, `the gateway has no ${provider} connection`, {
      type: 'server_error',
      code: 'provider_not_configured',
    });
  }
  const run = await runRealtime(
    {
      upstream,
      trafficClass: 'interactive',
      method: body === null ? 'GET' : 'POST',
      path: upstreamPath,
      headers: upstreamHeaders(request.headers, body !== null),
      body,
      whole: true,
    },
    runtime.lanes,
  );
  const answer = await readAll(run.answer.body);
  outcome.status = run.answer.statusCode;
  response.writeHead(
    run.answer.statusCode,
    forwardedHeaders(run.answer.headers, [
      standardHeaders.requestId,
      requestId,
      standardHeaders.contentLength,
      answer.length,
    ]),
  );
  response.end(answer);
}
