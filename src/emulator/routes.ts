import type { Context, Handler, Hono } from 'hono';
import type { EmulatorContext, EmulatorEnv, ProviderFamily } from './context.js';
import type { FaultInjector } from './faults.js';
import { anthropicError, openAIError } from './http-errors.js';

/** Marks a response the in-process `fetch` turns into a dropped connection. */
export const droppedConnectionHeader = 'x-emulator-dropped-connection';

export interface RouteDefinition {
  /** The provider imitated, or a function deciding it per request (for paths both providers have). */
  family: ProviderFamily | ((c: Context<EmulatorEnv>) => ProviderFamily);
  method: 'GET' | 'POST' | 'DELETE';
  /** Hono path pattern, also the fault key with the method: `POST /v1/batches/:id/cancel`. */
  path: string;
}

/**
 * Registers one provider route with what every provider route does before its own work:
 * counts it, checks the API key the provider's way, then applies the route's seeded faults.
 */
export function defineRoute(
  app: Hono<EmulatorEnv>,
  context: EmulatorContext,
  faults: FaultInjector,
  route: RouteDefinition,
  handler: Handler<EmulatorEnv>,
): void {
  const key = `${route.method} ${route.path}`;
  app.on(route.method, route.path, async (c, next) => {
    context.record.countRequest(key);
    const family = typeof route.family === 'function' ? route.family(c) : route.family;
    c.set('family', family);
    const unauthorized = checkApiKey(c, family, context.options.apiKeys);
    if (unauthorized) return unauthorized;

    const decision = faults.decide(key);
    if (decision.drop) return dropConnection(c);
    if (decision.delayMs > 0) await sleep(decision.delayMs);
    if (decision.status)
      return faultResponse(c, family, decision.status, context.options.timing.retryAfterMs);
    return handler(c, next);
  });
}

export function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

function checkApiKey(c: Context<EmulatorEnv>, family: ProviderFamily, accepted: string[] | undefined) {
  const bearer = c.req.header('authorization')?.match(/^Bearer\s+(.+)$/i)?.[1];
  const key = family === 'anthropic' ? (c.req.header('x-api-key') ?? bearer) : bearer;
  const valid = key !== undefined && key.length > 0 && (!accepted || accepted.includes(key));
  if (valid) return undefined;
  if (family === 'anthropic') {
    return anthropicError(
      c,
      401,
      'authentication_error',
      key ? 'invalid x-api-key' : 'x-api-key header is required',
    );
  }
  return openAIError(c, 401, {
    message: key
      ? `Incorrect API key provided: ${redact(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`
      : "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
    type: 'invalid_request_error',
    code: key ? 'invalid_api_key' : null,
  });
}

/** OpenAI shows only the ends of a wrong key; the emulator does the same so keys never echo whole. */
function redact(key: string): string {
  return key.length <= 8 ? '****' : `${key.slice(0, 3)}*****${key.slice(-4)}`;
}

export function retryHeaders(retryAfterMs: number): Record<string, string> {
  return {
    'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))),
    'retry-after-ms': String(retryAfterMs),
  };
}

function faultResponse(
  c: Context<EmulatorEnv>,
  family: ProviderFamily,
  status: 429 | 500 | 503,
  retryAfterMs: number,
) {
  const headers = status === 500 ? {} : retryHeaders(retryAfterMs);
  if (family === 'anthropic') {
    if (status === 429)
      return anthropicError(
        c,
        429,
        'rate_limit_error',
        'Number of request tokens has exceeded your per-minute rate limit.',
        headers,
      );
    if (status === 503) return anthropicError(c, 503, 'overloaded_error', 'Overloaded', headers);
    return anthropicError(c, 500, 'api_error', 'Internal server error');
  }
  if (status === 429) {
    return openAIError(
      c,
      429,
      {
        message: 'Rate limit reached for requests. Please try again later.',
        type: 'requests',
        code: 'rate_limit_exceeded',
      },
      headers,
    );
  }
  if (status === 503) {
    return openAIError(
      c,
      503,
      {
        message: 'The engine is currently overloaded, please try again later.',
        type: 'server_error',
        code: null,
      },
      headers,
    );
  }
  return openAIError(c, 500, {
    message: 'The server had an error while processing your request. Sorry about that!',
    type: 'server_error',
  });
}

function dropConnection(c: Context<EmulatorEnv>): Response {
  const socket = c.env?.incoming?.socket;
  if (socket) {
    socket.destroy();
  }
  // Over a socket nothing is written; in process, `emulator.fetch` turns this into a network error.
  return new Response(null, { status: 599, headers: { [droppedConnectionHeader]: '1' } });
}

/** `/v1/models` exists at both providers; Anthropic's clients send `anthropic-version` or `x-api-key`. */
export function isAnthropicClient(headers: Headers): boolean {
  return headers.has('anthropic-version') || headers.has('x-api-key');
}
