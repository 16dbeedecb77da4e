import type { Hono } from 'hono';
import type { EmulatorContext, EmulatorEnv } from '../context.js';
import type { FaultInjector } from '../faults.js';

export function registerAnthropicMessageBatchRoutes(
  _app: Hono<EmulatorEnv>,
  _context: EmulatorContext,
  _faults: FaultInjector,
): void {}
