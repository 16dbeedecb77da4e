import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { createEmulator, type Emulator, type EmulatorOptions } from '../emulator/index.js';
import type { RouteDecision, RouteInput } from '../policy/types.js';
import { migrate } from '../store/migrate.js';
import type { SqlDriver } from '../store/sql.js';
import { SqliteDriver } from '../store/sqlite/driver.js';
import { createGateway, type Gateway, type GatewayOptions } from './server.js';

/**
 * A gateway in front of a real emulator over loopback, with a fresh SQLite store, and the
 * official SDKs pointed at it: what every gateway test starts from.
 */
export interface GatewayHarness {
  gateway: Gateway;
  emulator: Emulator;
  driver: SqlDriver;
  url: string;
  openai(key?: string, options?: Partial<ConstructorParameters<typeof OpenAI>[0]>): OpenAI;
  anthropic(key?: string): Anthropic;
  /** Flushes the ledger and returns its rows, oldest first. */
  ledgerRows(): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export async function startHarness(
  options: {
    emulator?: EmulatorOptions;
    gateway?: Partial<Omit<GatewayOptions, 'driver' | 'upstreams'>>;
  } = {},
): Promise<GatewayHarness> {
  const folder = mkdtempSync(join(tmpdir(), 'spendwall-gateway-'));
  const driver = new SqliteDriver(join(folder, 'spendwall.db'));
  await migrate(driver);
  const emulator = createEmulator(options.emulator);
  const upstreamUrl = await emulator.listen(0);
  const gateway = await createGateway({
    driver,
    upstreams: {
      openai: { baseURL: `${upstreamUrl}/v1`, apiKey: 'sk-emulator' },
      anthropic: { baseURL: upstreamUrl, apiKey: 'sk-ant-emulator' },
    },
    log: null,
    lanes: {
      retry: {
        maxRetries: 2,
        initialDelayMs: 10,
        maxDelayMs: 8_000,
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      },
    },
    ...options.gateway,
  });
  const url = await gateway.listen(0);
  let closed = false;
  return {
    gateway,
    emulator,
    driver,
    url,
    openai: (key = 'sw-open', extra = {}) =>
      new OpenAI({ baseURL: `${url}/v1`, apiKey: key, maxRetries: 0, ...extra }),
    anthropic: (key = 'sw-open') => new Anthropic({ baseURL: url, apiKey: key, maxRetries: 0 }),
    async ledgerRows() {
      await gateway.ledger.flush();
      return driver.all('SELECT * FROM ledger ORDER BY created_at, id');
    },
    async close() {
      if (closed) return;
      closed = true;
      await gateway.close();
      await emulator.close();
      await driver.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** A router for tests: workloads named `defer-*` are deferrable and go to `lane`, the rest interactive. */
export function testRoute(lane: 'flex' | 'batch' = 'batch', deadlineMs = 900_000) {
  return (input: RouteInput): RouteDecision => {
    const workload = input.workload ?? 'unlabeled';
    if (!workload.startsWith('defer-')) {
      return {
        workload,
        rule: 'default',
        urgency: 'interactive',
        lane: 'realtime',
        provider: input.provider,
        model: input.model,
        reason: 'test: interactive',
        missedSavings: false,
      };
    }
    const batchDue = lane === 'batch';
    return {
      workload,
      rule: 'defer-*',
      urgency: 'deferrable',
      lane: batchDue && !input.asynchronous ? 'realtime' : lane,
      deadlineMs,
      provider: input.provider,
      model: input.model,
      reason: 'test: deferrable',
      missedSavings: batchDue && !input.asynchronous,
    };
  };
}
