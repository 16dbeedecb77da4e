import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmulator, type Emulator, type EmulatorOptions } from '../emulator/index.js';
import { createProvider } from '../providers/index.js';
import type { ProviderAdapterV1, ProviderName } from '../providers/provider.js';
import type { JobRecord } from '../store/jobs.js';
import { openStore, type Store } from '../store/open-store.js';
import type { SqlDriver } from '../store/sql.js';
import { filesOf } from './job-files.js';
import type { EngineSettings, RunJobOptions } from './job-options.js';
import { openJob } from './run-job.js';

/**
 * An engine under test: an in-process emulator as both providers, a fresh store, a temp folder,
 * and engine settings that poll in milliseconds. Nothing here touches the network.
 */
export interface EngineHarness {
  emulator: Emulator;
  store: Store;
  folder: string;
  providers: Partial<Record<ProviderName, ProviderAdapterV1>>;
  settings: Partial<EngineSettings>;
  writeInput(name: string, lines: readonly unknown[]): string;
  readResults(path: string): Array<Record<string, unknown>>;
  dispose(): Promise<void>;
}

export const fastSettings: Partial<EngineSettings> = {
  pollInitialMs: 5,
  pollMaxMs: 20,
  submitGraceMs: 0,
  progressIntervalMs: 0,
  leaseTtlMs: 5_000,
};

export async function createEngineHarness(
  emulatorOptions: EmulatorOptions = { clock: { instant: true } },
  /** A store, or the database to open one on (its job files in the harness's folder); SQLite there by default. */
  store?: Store | { databaseUrl: string },
): Promise<EngineHarness> {
  const emulator = createEmulator(emulatorOptions);
  const folder = mkdtempSync(join(tmpdir(), 'spendwall-engine-'));
  const opened =
    store && 'driver' in store
      ? store
      : await openStore({ home: folder, ...(store ? { databaseUrl: store.databaseUrl } : {}) });
  const retryPolicy = { maxRetries: 6, initialDelayMs: 1, maxDelayMs: 5, sleep: async () => undefined };
  const common = { apiKey: 'sk-test', fetch: emulator.fetch, retryPolicy };
  return {
    emulator,
    store: opened,
    folder,
    providers: {
      openai: createProvider('openai', { ...common, baseURL: 'http://emulator/v1' }),
      anthropic: createProvider('anthropic', { ...common, baseURL: 'http://emulator' }),
    },
    settings: fastSettings,
    writeInput(name, lines) {
      const path = join(folder, name);
      writeFileSync(
        path,
        lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n') + '\n',
      );
      return path;
    },
    readResults(path) {
      return readFileSync(path, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    async dispose() {
      await opened.close().catch(() => undefined);
      await emulator.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** An OpenAI batch line asking gpt-4o-mini to classify ticket `index`. */
export function chatLine(index: number, model = 'gpt-4o-mini') {
  return {
    custom_id: `ticket-${index}`,
    method: 'POST',
    url: '/v1/chat/completions',
    body: {
      model,
      messages: [
        { role: 'system', content: 'Classify the ticket: billing, account, shipping or other.' },
        { role: 'user', content: `Ticket ${index}: my order ${index} has not arrived` },
      ],
      max_tokens: 16,
    },
  };
}

export function embeddingLine(index: number) {
  return {
    custom_id: `embed-${index}`,
    method: 'POST',
    url: '/v1/embeddings',
    body: { model: 'text-embedding-3-small', input: `ticket ${index}` },
  };
}

export function anthropicLine(index: number) {
  return {
    custom_id: `summary-${index}`,
    params: {
      model: 'claude-haiku-4-5-20251001',
      max_tokens: 64,
      messages: [{ role: 'user', content: `Summarize ticket ${index} in one sentence.` }],
    },
  };
}

/** The driver, but its `which`-th transaction dies before it begins, as the process would. */
export function dyingAtTransaction(driver: SqlDriver, which: number): SqlDriver {
  let count = 0;
  return new Proxy(driver, {
    get(target, key) {
      if (key === 'transaction') {
        return (work: Parameters<SqlDriver['transaction']>[0]) => {
          if (++count === which) return Promise.reject(new Error('simulated crash before the commit'));
          return target.transaction(work);
        };
      }
      const value = Reflect.get(target, key) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * Writes `lines` as the input file `name` and opens its job (workload `backfill` unless the
 * options say otherwise), as `spendwall run` would before driving it: the run options, the job
 * and the folder of its files.
 */
export async function openTestJob(
  harness: EngineHarness,
  name: string,
  lines: Array<Record<string, unknown> | string>,
  extra: Partial<RunJobOptions> = {},
): Promise<{ options: RunJobOptions; job: JobRecord; folder: string }> {
  const options: RunJobOptions = {
    inputPath: harness.writeInput(name, lines),
    outputPath: join(harness.folder, 'results.jsonl'),
    workload: 'backfill',
    ...extra,
  };
  const { job } = await openJob(options, harness.store);
  return { options, job, folder: filesOf(job, harness.store.home) };
}
