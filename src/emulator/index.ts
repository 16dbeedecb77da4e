import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { createEmulatorApp } from './app.js';
import { EmulatorClock } from './clock.js';
import type { EmulatorContext, EmulatorEnv } from './context.js';
import { IdGenerator } from './ids.js';
import { type EmulatorOptions, type ResolvedEmulatorOptions, resolveEmulatorOptions } from './options.js';
import { EmulatorRecord } from './record.js';
import { droppedConnectionHeader } from './routes.js';
import { WebhookSender } from './webhooks.js';

export type { EmulatorOptions, ResolvedEmulatorOptions } from './options.js';
export { loadEmulatorOptions, resolveEmulatorOptions } from './options.js';
export { EmulatorRecord } from './record.js';
export { signWebhook } from './webhooks.js';

/** A local stand-in for the OpenAI and Anthropic APIs (real-time and batch). */
export interface Emulator {
  readonly app: Hono<EmulatorEnv>;
  readonly options: ResolvedEmulatorOptions;
  readonly clock: EmulatorClock;
  /** What the emulator received: files, batches (with metadata and custom_ids), faults, webhooks. */
  readonly record: EmulatorRecord;
  /**
   * A `fetch` that answers in process, without a socket, for injecting into adapters and SDKs
   * (`new OpenAI({ baseURL: 'http://emulator/v1', fetch: emulator.fetch })`). A dropped-connection
   * fault rejects it the way a reset socket rejects the global fetch.
   */
  readonly fetch: typeof fetch;
  /** The base URL (`http://127.0.0.1:PORT`) once `listen` has resolved. */
  readonly url: string | undefined;
  /** Serves over HTTP; port 0 picks a free one. Binds 127.0.0.1 unless told otherwise. */
  listen(port?: number, hostname?: string): Promise<string>;
  /** Runs every lifecycle forward to the current emulated time (and sends due webhooks). */
  tick(): void;
  /** Stops serving, stops timers, and waits for webhook deliveries in flight. */
  close(): Promise<void>;
}

/** How often lifecycles are advanced in the background, so webhooks fire without polling. */
const tickIntervalMs = 50;

export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const resolved = resolveEmulatorOptions(options);
  const record = new EmulatorRecord();
  const context: EmulatorContext = {
    options: resolved,
    clock: new EmulatorClock(resolved.clock),
    ids: new IdGenerator(resolved.seed),
    record,
    webhooks: new WebhookSender(resolved.webhooks, record),
    tickers: [],
  };
  const app = createEmulatorApp(context);
  const tick = () => {
    for (const ticker of context.tickers) ticker();
  };
  const timer = setInterval(tick, tickIntervalMs);
  timer.unref();

  let server: ServerType | undefined;
  let url: string | undefined;

  const inProcessFetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const response = await app.fetch(new Request(input, init));
    if (response.headers.has(droppedConnectionHeader)) {
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      });
    }
    return response;
  }) as typeof fetch;

  return {
    app,
    options: resolved,
    clock: context.clock,
    record,
    fetch: inProcessFetch,
    get url() {
      return url;
    },
    listen(port = 0, hostname = '127.0.0.1') {
      return new Promise<string>((resolve, reject) => {
        server = serve({ fetch: app.fetch, port, hostname }, (info: AddressInfo) => {
          url = `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${info.port}`;
          resolve(url);
        });
        server.once('error', reject);
      });
    },
    tick,
    async close() {
      clearInterval(timer);
      if (server) {
        const closing = server;
        server = undefined;
        await new Promise<void>((resolve) => {
          closing.close(() => resolve());
          if ('closeAllConnections' in closing) closing.closeAllConnections();
        });
      }
      await context.webhooks.settled();
    },
  };
}
