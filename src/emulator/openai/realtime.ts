import type { Context, Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { EmulatorContext, EmulatorEnv } from '../context.js';
import type { FaultInjector } from '../faults.js';
import { defineRoute, retryHeaders, sleep } from '../routes.js';
import { buildChatCompletion, chatCompletionChunks, prepareChatCompletion } from './chat.js';
import { executeEmbeddings } from './embeddings.js';
import { type Checked, invalidRequest, type LineOutcome, unparsableJsonMessage } from './request-errors.js';
import { buildResponse, prepareResponse, responseStreamEvents } from './responses.js';
import { flexUnavailableBody, type ServedServiceTier } from './service-tier.js';

/**
 * OpenAI's real-time endpoints over HTTP: chat completions, embeddings and responses. The work
 * itself lives in chat.ts, embeddings.ts and responses.ts, shared with batch lines; this file adds
 * what only a live connection has: JSON parsing, latency, flex refusals and streaming.
 */
export function registerOpenAIRealtimeRoutes(
  app: Hono<EmulatorEnv>,
  context: EmulatorContext,
  faults: FaultInjector,
): void {
  const { timing } = context.options;

  /** Waits as the real tier would, or refuses flex for lack of capacity (seeded, per route). */
  const admit = async (c: Context<EmulatorEnv>, route: string, tier: ServedServiceTier) => {
    await pause(timing.realtimeLatencyMs);
    if (tier !== 'flex') return undefined;
    if (faults.refuseFlex(route))
      return c.json(flexUnavailableBody(), 429, retryHeaders(timing.retryAfterMs));
    await pause(timing.flexLatencyMs);
    return undefined;
  };

  const post = (path: string, handler: (c: Context<EmulatorEnv>, body: unknown) => Promise<Response>) =>
    defineRoute(app, context, faults, { family: 'openai', method: 'POST', path }, async (c) => {
      const body = await readJsonBody(c);
      return body.ok ? handler(c, body.value) : send(c, body.outcome);
    });

  post('/v1/chat/completions', async (c, body) => {
    const prepared = prepareChatCompletion(body);
    if (!prepared.ok) return send(c, prepared.outcome);
    const refusal = await admit(c, 'POST /v1/chat/completions', prepared.value.serviceTier);
    if (refusal) return refusal;
    const completion = buildChatCompletion(context, prepared.value);
    const { stream, stream_options } = prepared.value.request;
    if (!stream) return c.json(completion);
    const chunks = chatCompletionChunks(completion, stream_options?.include_usage === true);
    return streamEvents(c, chunks, { delayMs: timing.streamChunkDelayMs, done: true });
  });

  post('/v1/responses', async (c, body) => {
    const prepared = prepareResponse(body);
    if (!prepared.ok) return send(c, prepared.outcome);
    const refusal = await admit(c, 'POST /v1/responses', prepared.value.serviceTier);
    if (refusal) return refusal;
    const response = buildResponse(context, prepared.value);
    if (!prepared.value.request.stream) return c.json(response);
    const events = responseStreamEvents(response);
    return streamEvents(c, events, {
      delayMs: timing.streamChunkDelayMs,
      eventName: (event) => event.type,
      done: false,
    });
  });

  post('/v1/embeddings', async (c, body) => {
    const outcome = executeEmbeddings(context, body);
    if (outcome.statusCode === 200) await pause(timing.realtimeLatencyMs);
    return send(c, outcome);
  });
}

function send(c: Context<EmulatorEnv>, outcome: LineOutcome): Response {
  return c.json(outcome.body as object, outcome.statusCode as ContentfulStatusCode);
}

/** The body as JSON, or OpenAI's 400 for a body that is not (never a thrown parse error). */
async function readJsonBody(c: Context<EmulatorEnv>): Promise<Checked<unknown>> {
  const text = await c.req.text();
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return invalidRequest(unparsableJsonMessage);
  }
}

/**
 * Server-sent events written one at a time as they are produced (not buffered), with the
 * configured pause between them. Chat completions end with `data: [DONE]`; the Responses API
 * names each event (`event: response.output_text.delta`) and has no end marker.
 */
function streamEvents<Event extends object>(
  c: Context<EmulatorEnv>,
  events: Iterable<Event>,
  options: { delayMs: number; eventName?: (event: Event) => string; done: boolean },
): Response {
  return streamSSE(c, async (stream) => {
    let first = true;
    for (const event of events) {
      if (stream.aborted) return;
      if (!first && options.delayMs > 0) await stream.sleep(options.delayMs);
      first = false;
      const name = options.eventName?.(event);
      await stream.writeSSE({ data: JSON.stringify(event), ...(name ? { event: name } : {}) });
    }
    if (options.done) await stream.writeSSE({ data: '[DONE]' });
  });
}

function pause(milliseconds: number): Promise<void> | undefined {
  return milliseconds > 0 ? sleep(milliseconds) : undefined;
}
