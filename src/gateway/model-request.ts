import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RouteDecision } from '../policy/types.js';
import { offersLane } from '../prices/cost.js';
import type { LaneCosts } from '../prices/lane-costs.js';
import type { Lane, Usage } from '../prices/types.js';
import { forwardedHeaders, pipeStream, readAll } from './answer.js';
import { usageFromBody } from './body-usage.js';
import { formatCostHeader } from './costing.js';
import { badRequest, GatewayError } from './errors.js';
import { spendwallHeaders, standardHeaders, upstreamHeaders } from './headers.js';
import { type LaneRun, runFlex, runRealtime } from './lanes.js';
import { type Execution, priceExecution, recordExecution } from './record-execution.js';
import { type ModelRequestBody, parseModelRequest, readBody } from './request-body.js';
import { buildContext } from './request-context.js';
import type { ModelRoute } from './routes.js';
import type { GatewayRuntime, Outcome } from './runtime.js';
import type { Caller, RequestContext } from './types.js';
import type { UpstreamRequest } from './upstream-call.js';
import type { TrafficClass } from './upstreams.js';
import { createUsageScanner } from './usage-scanner.js';

/**
 * One model request, start to end: read and check the body, route it, then either hand it to
 * the async lane (202) or run it in the realtime or flex lane and pass the answer back, streamed
 * or whole, with its lane and cost; the ledger row is queued once the usage is known.
 */
export async function serveModelRequest(
  runtime: GatewayRuntime,
  route: ModelRoute,
  request: IncomingMessage,
  response: ServerResponse,
  requestId: string,
  caller: Caller,
  startedAt: number,
  outcome: Outcome,
): Promise<void> {
  const raw = await readBody(request, runtime.maxBodyBytes);
  const body = parseModelRequest(raw);
  const context = buildContext(request.headers, requestId, caller, startedAt, body.metadata);
  const asynchronous = prefersAsync(request.headers[standardHeaders.prefer]);
  const decision = runtime.route({
    workload: context.workload,
    provider: route.provider,
    model: body.model,
    endpoint: route.endpoint,
    asynchronous,
  });
  outcome.workload = decision.workload;
  outcome.urgency = decision.urgency;
  outcome.provider = route.provider;
  outcome.model = decision.model;
  if (decision.provider !== route.provider) {
    throw badRequest(
      `model '${body.model}' stands for ${decision.provider} model '${decision.model}', which ${route.endpoint} cannot reach; call that provider's endpoint`,
      'model',
      'model_provider_mismatch',
    );
  }

  // Interactive work never leaves realtime, whatever the router said.
  let lane: Lane = decision.urgency === 'interactive' ? 'realtime' : decision.lane;
  let missedSavings = decision.missedSavings && decision.urgency === 'deferrable';
  if (lane === 'batch') {
    if (asynchronous && runtime.asyncLane) {
      await acceptAsync(runtime, route, request, response, context, decision, raw, body, outcome);
      return;
    }
    lane = 'realtime';
    missedSavings = true;
  }
  if (missedSavings && runtime.enforce) throw respondAsyncRequired(decision);
  outcome.missedSavings = missedSavings;

  const upstream = runtime.upstreams.get(route.provider);
  if (!upstream) {
    throw new GatewayError(
      503,
      `the gateway has no ${route.provider} connection: set ${route.provider === 'openai' ? 'OPENAI_API_KEY' : 'ANTHROPIC_API_KEY'} where it runs`,
      { type: 'server_error', code: 'provider_not_configured' },
    );
  }
  if (
    lane === 'flex' &&
    !(route.flexCapable && offersLane(runtime.prices.priceFor(route.provider, decision.model), 'flex'))
  ) {
    lane = 'realtime';
  }

  const streamed = body.stream === true && route.streamKind !== undefined;
  const trafficClass: TrafficClass = decision.urgency === 'interactive' ? 'interactive' : 'deferrable';
  const upstreamRequest: UpstreamRequest = {
    upstream,
    trafficClass,
    method: 'POST',
    path: route.upstreamPath,
    headers: upstreamHeaders(request.headers, true),
    body: rewriteBody(raw, body, route, decision.model, streamed, undefined),
    whole: !streamed,
  };
  const hooks = {
    onRetry: () => runtime.metrics.retries.add({ provider: route.provider }),
    onFlexRefused: (reason: string) => runtime.metrics.flexFallbacks.add({ reason }),
  };
  runtime.inFlight[trafficClass]++;
  try {
    const run: LaneRun =
      lane === 'flex'
        ? await runFlex(
            upstreamRequest,
            rewriteBody(raw, body, route, decision.model, streamed, 'flex')!,
            decision.deadlineMs === undefined ? Number.POSITIVE_INFINITY : startedAt + decision.deadlineMs,
            runtime.lanes,
            hooks,
          )
        : await runRealtime(upstreamRequest, runtime.lanes, hooks);
    outcome.lane = run.lane;
    outcome.retries = run.answer.retries;
    outcome.fellBack = run.fellBack;
    outcome.status = run.answer.statusCode;

    const headers = forwardedHeaders(run.answer.headers, [
      standardHeaders.requestId,
      requestId,
      spendwallHeaders.lane,
      run.lane,
      spendwallHeaders.workloadApplied,
      decision.workload,
    ]);
    const ok = run.answer.statusCode >= 200 && run.answer.statusCode < 300;
    const contentType = String(run.answer.headers['content-type'] ?? '');
    if (streamed && ok && contentType.startsWith('text/event-stream') && !Buffer.isBuffer(run.answer.body)) {
      outcome.streamed = true;
      headers.push(standardHeaders.trailer, spendwallHeaders.costUsd, 'cache-control', 'no-cache');
      response.writeHead(run.answer.statusCode, headers);
      const scanner = createUsageScanner(route.streamKind!);
      let ending: 'ended' | 'client-gone';
      try {
        ending = await pipeStream(run.answer.body, response, scanner);
      } catch (error) {
        // The provider failed part way. What it generated may still be billed, so the request is
        // booked with the usage seen (often none: usage comes last); the client's connection is
        // cut, the only way left to tell it the answer is incomplete.
        record(runtime, context, decision, route, run, scanner.usage(), outcome);
        outcome.status = 502;
        outcome.error = `the provider's stream broke off: ${(error as Error).message}`;
        response.destroy();
        return;
      }
      const costs = record(runtime, context, decision, route, run, scanner.usage(), outcome);
      if (ending === 'ended') {
        response.addTrailers({ [spendwallHeaders.costUsd]: formatCostHeader(costs.paid) });
        response.end();
      } else {
        outcome.error = 'client closed the stream';
      }
      return;
    }
    const answer = Buffer.isBuffer(run.answer.body) ? run.answer.body : await readAll(run.answer.body);
    if (!ok) {
      headers.push(standardHeaders.contentLength, answer.length);
      response.writeHead(run.answer.statusCode, headers);
      response.end(answer);
      return;
    }
    // Priced before the answer goes (its cost is a header), booked after it went: the ledger row
    // and the metrics are not part of the client's wait.
    const execution = executionOf(context, decision, route, run, usageFromBody(answer, route.provider));
    const costs = priceExecution(runtime.prices, execution);
    headers.push(
      spendwallHeaders.costUsd,
      formatCostHeader(costs.paid),
      standardHeaders.contentLength,
      answer.length,
    );
    response.writeHead(run.answer.statusCode, headers);
    response.end(answer);
    recordExecution(runtime, execution, costs);
    outcome.costNanoUsd = costs.paid;
  } finally {
    runtime.inFlight[trafficClass]--;
  }
}

/** RFC 7240: `Prefer: respond-async` (maybe among other preferences). */
function prefersAsync(header: string | string[] | undefined): boolean {
  if (header === undefined) return false;
  const text = Array.isArray(header) ? header.join(',') : header;
  return /(^|[,;\s])respond-async(\s*($|[,;]))/i.test(text);
}

/**
 * The body to send: the client's bytes untouched unless something must change (an alias
 * resolved, the flex tier, usage asked for in an OpenAI stream so the cost is known, Spendwall's
 * labels taken out of Anthropic's `metadata`, which accepts only `user_id`).
 */
function rewriteBody(
  raw: Buffer,
  body: ModelRequestBody,
  route: ModelRoute,
  model: string,
  streamed: boolean,
  serviceTier: 'flex' | undefined,
): Buffer {
  const changes: Record<string, unknown> = {};
  if (model !== body.model) changes['model'] = model;
  if (serviceTier) changes['service_tier'] = serviceTier;
  if (streamed && route.streamKind === 'openai-chat' && body.stream_options?.include_usage !== true) {
    changes['stream_options'] = { ...body.stream_options, include_usage: true };
  }
  if (route.provider === 'anthropic' && body.metadata) {
    const extra = Object.keys(body.metadata).filter((key) => key !== 'user_id');
    if (extra.length > 0) {
      const { user_id } = body.metadata;
      changes['metadata'] = user_id === undefined ? undefined : { user_id };
    }
  }
  if (Object.keys(changes).length === 0) return raw;
  return Buffer.from(JSON.stringify({ ...body, ...changes }));
}

function executionOf(
  context: RequestContext,
  decision: RouteDecision,
  route: ModelRoute,
  run: LaneRun,
  usage: Usage | undefined,
): Execution {
  return {
    requestId: context.requestId,
    decision,
    team: context.caller.team,
    provider: route.provider,
    endpoint: route.endpoint,
    lane: run.lane,
    fellBack: run.fellBack,
    usage,
  };
}

function record(
  runtime: GatewayRuntime,
  context: RequestContext,
  decision: RouteDecision,
  route: ModelRoute,
  run: LaneRun,
  usage: Usage | undefined,
  outcome: Outcome,
): LaneCosts {
  const costs = recordExecution(runtime, executionOf(context, decision, route, run, usage));
  outcome.costNanoUsd = costs.paid;
  return costs;
}

async function acceptAsync(
  runtime: GatewayRuntime,
  route: ModelRoute,
  request: IncomingMessage,
  response: ServerResponse,
  context: RequestContext,
  decision: RouteDecision,
  raw: Buffer,
  parsed: ModelRequestBody,
  outcome: Outcome,
): Promise<void> {
  const webhook = request.headers[spendwallHeaders.webhookUrl];
  const { id } = await runtime.asyncLane!.accept({
    context,
    decision,
    provider: route.provider,
    endpoint: route.endpoint,
    body: raw,
    parsed,
    webhookUrl: typeof webhook === 'string' && webhook !== '' ? webhook : undefined,
  });
  const location = `/v1/spendwall/requests/${id}`;
  // Written out rather than JSON.stringify of an object: this runs for every accepted request.
  const answer = `{"id":${JSON.stringify(id)},"object":"spendwall.request","status":"queued","lane":"batch","url":${JSON.stringify(location)}}`;
  outcome.status = 202;
  outcome.lane = 'batch';
  outcome.asyncId = id;
  runtime.metrics.asyncAccepted.add({ workload: decision.workload });
  response.writeHead(202, [
    standardHeaders.requestId,
    context.requestId,
    spendwallHeaders.lane,
    'batch',
    spendwallHeaders.workloadApplied,
    decision.workload,
    standardHeaders.preferenceApplied,
    'respond-async',
    standardHeaders.location,
    location,
    standardHeaders.retryAfter,
    String(runtime.asyncRetryAfterSeconds),
    standardHeaders.contentType,
    'application/json',
    standardHeaders.contentLength,
    Buffer.byteLength(answer),
  ]);
  response.end(answer);
}

function respondAsyncRequired(decision: RouteDecision): GatewayError {
  return new GatewayError(
    400,
    `workload '${decision.workload}' (policy rule '${decision.rule}') is deferrable and this gateway enforces its ` +
      'asynchronous lane: send the request with the header `Prefer: respond-async` and poll the `Location` ' +
      'of the 202 answer (or submit it as a batch job), or label it with an interactive workload',
    { type: 'invalid_request_error', code: 'respond_async_required', param: 'prefer' },
  );
}
