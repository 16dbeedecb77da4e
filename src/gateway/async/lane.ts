import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineSettings } from '../../batch/job-options.js';
import type { EngineDependencies } from '../../batch/run-job.js';
import { ConfigError } from '../../core/errors.js';
import { isWebhookSecret } from '../../core/standard-webhooks.js';
import type { PriceBook } from '../../prices/index.js';
import type { ProviderAdapterV1, ProviderName } from '../../providers/provider.js';
import { type Store, spendwallHome } from '../../store/open-store.js';
import { SqliteDriver } from '../../store/sqlite/driver.js';
import type { AsyncAcceptance, AsyncLane, AsyncSubmission } from '../types.js';
import { invalid, toAsyncRequest } from './accept.js';
import { type BatchRecord, openBatches } from './batch-records.js';
import { runBatch } from './batch-runner.js';
import { createFileSweeper } from './file-expiry.js';
import { defaultFlushSettings, type FlushSettings } from './flush-triggers.js';
import { Flusher } from './flusher.js';
import { defaultGroupCommitSettings, GroupCommit, type GroupCommitSettings } from './group-commit.js';
import { asyncRequestInserts, insertAsyncRequests, type NewAsyncRequest } from './request-records.js';
import { route } from './routes.js';
import { SqliteWriter } from './sqlite-writer.js';
import { defaultWebhookSettings, WebhookDeliverer, type WebhookSettings } from './webhook-delivery.js';

export interface AsyncLaneOptions {
  store: Store;
  providers: Partial<Record<ProviderName, ProviderAdapterV1>>;
  /** Spendwall's home; flush files, uploads and batch outputs go under `<home>/gateway/`. */
  home?: string;
  prices?: PriceBook;
  /** The batch lane engine's pacing (poll intervals, deadline reserve…). */
  engine?: Partial<EngineSettings>;
  commit?: Partial<GroupCommitSettings>;
  flush?: Partial<FlushSettings>;
  /**
   * `secret` defaults to `SPENDWALL_WEBHOOK_SECRET`. `allowPrivateAddresses` (default false) is
   * `gateway.allowPrivateWebhooks`: off, only public addresses are called (checked at accept for
   * IP literals and `localhost`, at connect time for every name).
   */
  webhooks?: Partial<WebhookSettings>;
  /** `Retry-After` of a pending request's status, in seconds. */
  retryAfterSeconds?: number;
  /** Largest upload to `/v1/files`; default: no limit but the disk. */
  maxFileBytes?: number;
  /** Keep flush input and result files after their results are copied (for debugging). */
  keepFlushFiles?: boolean;
  now?: () => number;
  /** Where background failures are reported; default: stderr. */
  onError?: (error: unknown) => void;
}

/** The async lane with the hooks tests and tools use to drive it without waiting for timers. */
export interface AsyncLaneRunner extends AsyncLane {
  /** Looks at the queue now and starts due flushes (or every queued group, with `all`). */
  flush(all?: boolean): Promise<void>;
  /** Resolves once every flush and batch started so far has ended. */
  settled(): Promise<void>;
  /** Tries every due webhook delivery now. */
  deliverWebhooks(): Promise<void>;
  /** Removes expired files now; resolves with how many. */
  sweepFiles(): Promise<number>;
  readonly folder: string;
  /** Group commits so far: acceptances are written this many transactions. */
  readonly commitGroups: number;
}

/**
 * Creates the async lane and resumes what a previous process left: flushes recorded but not
 * finished, `/v1/batches` batches still open, webhook deliveries still pending.
 */
export async function createAsyncLane(options: AsyncLaneOptions): Promise<AsyncLaneRunner> {
  const now = options.now ?? Date.now;
  const onError =
    options.onError ??
    ((error: unknown) => console.error(`spendwall async lane: ${(error as Error).message}`));
  const folder = join(options.home ?? spendwallHome(), 'gateway');
  const filesFolder = join(folder, 'files');
  mkdirSync(filesFolder, { recursive: true });
  const secret = options.webhooks?.secret ?? process.env['SPENDWALL_WEBHOOK_SECRET'];
  if (secret !== undefined && !isWebhookSecret(secret)) {
    throw new ConfigError('expected whsec_ followed by at least 24 base64-encoded bytes', {
      place: 'SPENDWALL_WEBHOOK_SECRET',
    });
  }
  const { driver } = options.store;
  const engine: Omit<EngineDependencies, 'signal'> = {
    store: options.store,
    providers: options.providers,
    ...(options.prices ? { prices: options.prices } : {}),
    ...(options.engine ? { settings: options.engine } : {}),
    now,
  };
  const stop = new AbortController();

  // On a SQLite file, acceptances commit from a writer thread: SQLite's work then runs beside the
  // event loop instead of in it (bench/async-enqueue.ts). Postgres does its work in its server.
  // Should the thread ever fail, groups are written on the store's own connection again.
  const writer =
    driver instanceof SqliteDriver && driver.path !== ':memory:' ? new SqliteWriter(driver.path) : undefined;
  const commit = new GroupCommit<NewAsyncRequest>(
    (requests) =>
      writer && !writer.broken
        ? writer.write(asyncRequestInserts(requests))
        : driver.transaction((executor) => insertAsyncRequests(executor, requests)),
    { ...defaultGroupCommitSettings, ...options.commit },
  );
  const flusher = new Flusher(
    engine,
    folder,
    { ...defaultFlushSettings, ...options.flush },
    { keepFiles: options.keepFlushFiles ?? false, onError },
  );
  const webhookSettings: WebhookSettings = { ...defaultWebhookSettings, ...options.webhooks, secret };
  const webhooks = new WebhookDeliverer(driver, webhookSettings, now, onError);
  // Expired `/v1/files` files leave the disk: at start, then every 10 minutes.
  const fileSweeper = createFileSweeper({ driver, now, onError });
  const batchRuns = new Set<Promise<unknown>>();
  const startBatch = (batch: BatchRecord) => {
    const run = runBatch(batch, { ...engine, signal: stop.signal }, filesFolder)
      .catch(onError)
      .finally(() => batchRuns.delete(run));
    batchRuns.add(run);
  };
  const routeOptions = {
    files: {
      driver,
      folder: filesFolder,
      maxFileBytes: options.maxFileBytes ?? Number.POSITIVE_INFINITY,
      now,
    },
    batches: { driver, now, start: startBatch },
    retryAfterSeconds: options.retryAfterSeconds ?? 10,
  };

  await flusher.start();
  for (const batch of await openBatches(driver)) startBatch(batch);
  webhooks.start();
  fileSweeper.start();
  let closing: Promise<void> | undefined;

  return {
    folder,
    get commitGroups() {
      return commit.groups;
    },
    async accept(submission: AsyncSubmission): Promise<AsyncAcceptance> {
      const request = toAsyncRequest(submission, now(), webhookSettings.allowPrivateAddresses);
      if (request.webhookUrl !== null && secret === undefined) {
        throw invalid(
          'webhooks are not configured on this gateway (SPENDWALL_WEBHOOK_SECRET is not set)',
          'webhooks_not_configured',
          'x-spendwall-webhook-url',
        );
      }
      await commit.add(request);
      return { id: request.id };
    },
    handle(request, response, context) {
      return route(routeOptions, request, response, context);
    },
    async flush(all = false) {
      if (all) await flusher.flushAll();
      else await flusher.check();
    },
    async settled() {
      await flusher.settled();
      while (batchRuns.size > 0) await Promise.all([...batchRuns]);
    },
    deliverWebhooks: () => webhooks.check(),
    sweepFiles: () => fileSweeper.sweep(),
    close() {
      closing ??= (async () => {
        await commit.close();
        await writer?.close();
        stop.abort();
        await flusher.close();
        while (batchRuns.size > 0) await Promise.all([...batchRuns]);
        await webhooks.close();
        await fileSweeper.close();
      })();
      return closing;
    },
  };
}
