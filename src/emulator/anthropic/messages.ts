import type { Hono } from 'hono';
import type { EmulatorContext, EmulatorEnv } from '../context.js';
import type { FaultInjector } from '../faults.js';
import { anthropicError } from '../http-errors.js';
import { defineRoute, sleep } from '../routes.js';
import { countInputTokens, createMessage } from './create-message.js';
import { validateMessageParams } from './message-schemas.js';
import { streamMessage } from './message-stream.js';
import { messagesMaxBytes, missingVersionHeader, readJsonBody } from './request-checks.js';

/** Anthropic's real-time Messages API: `POST /v1/messages` (plain or streamed) and token counting. */
export function registerAnthropicMessageRoutes(
  app: Hono<EmulatorEnv>,
  context: EmulatorContext,
  faults: FaultInjector,
): void {
  defineRoute(
    app,
    context,
    faults,
    { family: 'anthropic', method: 'POST', path: '/v1/messages' },
    async (c) => {
      const unversioned = missingVersionHeader(c);
      if (unversioned) return unversioned;
      const reading = await readJsonBody(c, messagesMaxBytes);
      if (!reading.ok) return reading.response;
      const validation = validateMessageParams(reading.body);
      if (!validation.ok) {
        const { status, type, message } = validation.refusal;
        return anthropicError(c, status, type, message);
      }
      const { params, model } = validation;
      const message = createMessage(params, model, {
        id: context.ids.next('msg_01', 22),
        seed: context.options.seed,
        serviceTier: 'standard',
      });
      const latencyMs = context.options.timing.realtimeLatencyMs;
      if (latencyMs > 0) await sleep(latencyMs);
      if (params.stream) return streamMessage(c, message, context.options.timing.streamChunkDelayMs);
      return c.json(message);
    },
  );

  // Counting uses the same approximation as `usage.input_tokens`, so the two always agree.
  defineRoute(
    app,
    context,
    faults,
    { family: 'anthropic', method: 'POST', path: '/v1/messages/count_tokens' },
    async (c) => {
      const unversioned = missingVersionHeader(c);
      if (unversioned) return unversioned;
      const reading = await readJsonBody(c, messagesMaxBytes);
      if (!reading.ok) return reading.response;
      // count_tokens takes the create body without `max_tokens`; a placeholder lets one schema serve both.
      const body =
        reading.body && typeof reading.body === 'object' && !Array.isArray(reading.body)
          ? { max_tokens: 1, ...reading.body }
          : reading.body;
      const validation = validateMessageParams(body);
      if (!validation.ok) {
        const { status, type, message } = validation.refusal;
        return anthropicError(c, status, type, message);
      }
      return c.json({ input_tokens: countInputTokens(validation.params) });
    },
  );
}
