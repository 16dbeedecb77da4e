import type { IncomingMessage, ServerResponse } from 'node:http';
import { forwardedHeaders, readAll } from './answer.js';
import { GatewayError } from './errors.js';
import { forwardedRequestHeaders, standardHeaders } from './headers.js';
import { runRealtime } from './lanes.js';
import type { GatewayRuntime, Outcome } from './runtime.js';
import type { GatewayProvider } from './upstreams.js';

/**
 * `GET /v1/models` (and `/v1/models/{id}`), passed to the provider the client speaks: Anthropic
 * SDKs send `anthropic-version`, OpenAI SDKs do not. No ledger row: nothing is billed.
 */
export async function serveModels(
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
  outcome.provider = provider;
  const upstream = runtime.upstreams.get(provider);
  if (!upstream) {
    throw new GatewayError(503, `the gateway has no ${provider} connection`, {
      type: 'server_error',
      code: 'provider_not_configured',
    });
  }
  const headers: Record<string, string> = {};
  for (const name of forwardedRequestHeaders) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  const run = await runRealtime(
    {
      upstream,
      trafficClass: 'interactive',
      method: 'GET',
      path: (provider === 'openai' ? path.slice('/v1'.length) : path) + query,
      headers,
      body: null,
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
