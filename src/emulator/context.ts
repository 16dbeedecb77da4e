import type { IncomingMessage } from 'node:http';
import type { EmulatorClock } from './clock.js';
import type { IdGenerator } from './ids.js';
import type { ResolvedEmulatorOptions } from './options.js';
import type { EmulatorRecord } from './record.js';
import type { WebhookSender } from './webhooks.js';

/** The state every route of one emulator shares. */
export interface EmulatorContext {
  readonly options: ResolvedEmulatorOptions;
  readonly clock: EmulatorClock;
  readonly ids: IdGenerator;
  readonly record: EmulatorRecord;
  readonly webhooks: WebhookSender;
  /** Hooks run on every read of state, so lifecycles advance on emulated time. */
  readonly tickers: Array<() => void>;
}

/** Which provider a route imitates: decides the auth header, error shape and request-id header. */
export type ProviderFamily = 'openai' | 'anthropic';

/** Hono typing for the emulator's app. */
export interface EmulatorEnv {
  Bindings: { incoming?: IncomingMessage };
  Variables: { requestId: string; family: ProviderFamily };
}
