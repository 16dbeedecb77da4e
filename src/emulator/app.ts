import { Hono } from 'hono';
import { registerAnthropicMessageBatchRoutes } from './anthropic/message-batches.js';
import { registerAnthropicMessageRoutes } from './anthropic/messages.js';
import type { EmulatorContext, EmulatorEnv } from './context.js';
import { FaultInjector } from './faults.js';
import { anthropicErrorBody, openAIErrorBody } from './http-errors.js';
import { registerModelRoutes } from './models.js';
import { registerOpenAIBatchRoutes } from './openai/batches.js';
import { registerOpenAIFileRoutes } from './openai/files.js';
import { registerOpenAIRealtimeRoutes } from './openai/realtime.js';
import { isAnthropicClient } from './routes.js';

/** Builds the emulator's HTTP app: one module per provider surface, plus a small admin API for tests. */
export function createEmulatorApp(context: EmulatorContext): Hono<EmulatorEnv> {
  const app = new Hono<EmulatorEnv>();
  const faults = new FaultInjector(context.options.faults, context.options.seed, context.record, () =>
    context.clock.now(),
  );

  app.use('*', async (c, next) => {
    const family =
      c.req.path.startsWith('/v1/messages') || isAnthropicClient(c.req.raw.headers) ? 'anthropic' : 'openai';
    const requestId = context.ids.next(family === 'anthropic' ? 'req_011' : 'req_', 24);
    c.set('requestId', requestId);
    c.set('family', family);
    for (const tick of context.tickers) tick();
    await next();
    c.header('x-request-id', requestId);
    if (c.get('family') === 'anthropic') c.header('request-id', requestId);
  });

  registerModelRoutes(app, context, faults);
  registerOpenAIRealtimeRoutes(app, context, faults);
  registerOpenAIFileRoutes(app, context, faults);
  registerOpenAIBatchRoutes(app, context, faults);
  registerAnthropicMessageRoutes(app, context, faults);
  registerAnthropicMessageBatchRoutes(app, context, faults);

  app.get('/_emulator/record', (c) => c.json(context.record.toJSON()));
  app.post('/_emulator/clock/advance', async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { milliseconds?: unknown };
    if (typeof body.milliseconds !== 'number' || body.milliseconds < 0) {
      return c.json(
        openAIErrorBody({
          message: 'milliseconds: a number ≥ 0 is required',
          type: 'invalid_request_error',
          param: 'milliseconds',
        }),
        400,
      );
    }
    context.clock.advance(body.milliseconds);
    return c.json({ now: context.clock.now() });
  });
  app.get('/_emulator/health', (c) => c.json({ ok: true }));

  app.notFound((c) => {
    const message = `Unknown request URL: ${c.req.method} ${c.req.path}. Please check the URL for typos.`;
    if (c.get('family') === 'anthropic')
      return c.json(anthropicErrorBody('not_found_error', message, c.get('requestId')), 404);
    return c.json(openAIErrorBody({ message, type: 'invalid_request_error', code: 'unknown_url' }), 404);
  });
  app.onError((error, c) => {
    const message = `The emulator failed on this request: ${error.message}`;
    if (c.get('family') === 'anthropic')
      return c.json(anthropicErrorBody('api_error', message, c.get('requestId')), 500);
    return c.json(openAIErrorBody({ message, type: 'server_error' }), 500);
  });
  return app;
}
