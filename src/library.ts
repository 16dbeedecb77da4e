import { chunkResultsPath, filesOf } from './batch/job-files.js';
import type { EngineSettings, RunJobOptions } from './batch/job-options.js';
import type { JobProgress } from './batch/progress.js';
import { ResultsFileReader } from './batch/results-file.js';
import { driveJob, type JobSummary, openJob } from './batch/run-job.js';
import { createEmulator, type Emulator } from './emulator/index.js';
import {
  createLaneClient,
  type LaneAnswer,
  type LaneCallOptions,
  type LaneClient,
} from './gateway/lane-client.js';
import {
  type GatewayProvider,
  type UpstreamSettings,
  upstreamSettingsFromEnvironment,
} from './gateway/upstreams.js';
import { routeRequest } from './policy/route.js';
import type { Policy } from './policy/types.js';
import { nanoUsdPerUsd } from './prices/index.js';
import { createProvider, providerNames, settingsFromEnvironment } from './providers/index.js';
import type { ProviderAdapterV1, ProviderName } from './providers/provider.js';
import { openStore, type Store } from './store/open-store.js';
import { finalRequestStates, type StoredRequest } from './store/requests.js';

export interface SpendwallOptions {
  /** `postgres://…` or a SQLite file; default: `spendwall.db` in the home folder. */
  database?: string;
  /** Spendwall's home folder: the default database and jobs' files (`jobs/`); default: `$SPENDWALL_HOME`, else `.spendwall`. */
  home?: string;
  /** Adapters to use; default: from OPENAI_API_KEY / ANTHROPIC_API_KEY (and their *_BASE_URL). */
  providers?: Partial<Record<ProviderName, ProviderAdapterV1>>;
  /** Run against a built-in emulator instead of the providers (a dry run). */
  emulator?: boolean;
  /** The engine's pacing: polls, the deadline fallback's window and concurrency, token limits, batch size. */
  settings?: Partial<EngineSettings>;
  /** The routing policy for `chat()` and `embed()`; default: everything interactive (realtime). */
  policy?: Policy;
  /** Where `chat()` and `embed()` send requests; default: the emulator, else OPENAI_/ANTHROPIC_ env. */
  connections?: Partial<Record<GatewayProvider, UpstreamSettings>>;
}

/** One result, as results.jsonl has it, with the response body parsed. */
export interface JobResult {
  customId: string;
  line: number;
  status: StoredRequest['state'];
  lane: string | null;
  attempts: number;
  statusCode: number | null;
  response: unknown;
  error: { code: string; message: string } | null;
  costNanoUsd: number | null;
}

export interface JobHandle {
  /** Resolves when every request has its result (or the job was cancelled). */
  readonly done: Promise<JobSummary>;
  /** The job's id, once its input has been fingerprinted. */
  id(): Promise<string>;
  /** Results as they become final (completion order), until the job is done. */
  results(): AsyncIterable<JobResult>;
}

export interface Spendwall {
  /** Starts (or resumes) a bulk job through the batch lane. */
  submit(
    options: RunJobOptions & { onProgress?: (progress: JobProgress) => void; signal?: AbortSignal },
  ): JobHandle;
  /**
   * One chat completion now, in the lane the policy gives its workload (realtime, or flex for
   * deferrable work with a short deadline, falling back to realtime when flex is refused);
   * recorded in the ledger like a gateway request.
   */
  chat<Body = unknown>(body: Record<string, unknown>, options?: LaneCallOptions): Promise<LaneAnswer<Body>>;
  /** One embeddings call, routed and recorded the same way. */
  embed<Body = unknown>(body: Record<string, unknown>, options?: LaneCallOptions): Promise<LaneAnswer<Body>>;
  close(): Promise<void>;
}

/**
 * The batch lane in process: the engine `spendwall run` uses, for TypeScript programs.
 *
 * ```ts
 * const spendwall = await createSpendwall();
 * const job = spendwall.submit({ inputPath: 'requests.jsonl', outputPath: 'results.jsonl', workload: 'nightly' });
 * for await (const result of job.results()) console.log(result.customId, result.status);
 * console.log(await job.done);
 * await spendwall.close();
 * ```
 */
export async function createSpendwall(options: SpendwallOptions = {}): Promise<Spendwall> {
  let emulator: Emulator | undefined;
  let providers = options.providers;
  if (!providers && options.emulator) {
    emulator = createEmulator({ clock: { scale: 3600 } });
    const url = await emulator.listen(0);
    providers = {
      openai: createProvider('openai', { baseURL: `${url}/v1`, apiKey: 'sk-spendwall-emulator' }),
      anthropic: createProvider('anthropic', { baseURL: url, apiKey: 'sk-spendwall-emulator' }),
    };
  }
  if (!providers) {
    providers = {};
    for (const name of providerNames) {
      const settings = settingsFromEnvironment(name);
      if (settings) providers[name] = createProvider(name, settings);
    }
  }
  const store: Store = await openStore({ databaseUrl: options.database, home: options.home });
  const settings = {
    ...(emulator ? { pollInitialMs: 200, pollMaxMs: 1000, submitGraceMs: 200 } : {}),
    ...options.settings,
  };
  const running = new Set<Promise<unknown>>();
  let laneClient: LaneClient | undefined;
  const lanes = () => {
    laneClient ??= createLaneClient({
      upstreams:
        options.connections ??
        (emulator?.url
          ? {
              openai: { baseURL: `${emulator.url}/v1`, apiKey: 'sk-spendwall-emulator' },
              anthropic: { baseURL: emulator.url, apiKey: 'sk-spendwall-emulator' },
            }
          : upstreamSettingsFromEnvironment()),
      ...(options.policy
        ? { route: (input) => routeRequest(options.policy!, input), prices: options.policy.priceBook }
        : {}),
      driver: store.driver,
    });
    return laneClient;
  };

  return {
    chat: (body, callOptions) => lanes().call('/v1/chat/completions', body, callOptions),
    embed: (body, callOptions) => lanes().call('/v1/embeddings', body, callOptions),
    submit(job) {
      const { onProgress, signal, ...runOptions } = job;
      const opened = openJob(runOptions, store);
      const jobId = opened.then(({ job: record }) => record.id);
      const folder = opened.then(({ job: record }) => filesOf(record, store.home));
      const done = opened.then(({ job: record, created }) =>
        driveJob(record, !created, {
          store,
          providers: providers!,
          settings,
          ...(onProgress ? { onProgress } : {}),
          ...(signal ? { signal } : {}),
        }),
      );
      running.add(done.catch(() => undefined));
      return {
        done,
        id: () => jobId,
        results: () => streamResults(store, jobId, folder, done, settings.pollInitialMs ?? 1000),
      };
    },
    async close() {
      await Promise.all(running);
      await laneClient?.close();
      await store.close();
      await emulator?.close();
    },
  };
}

async function* streamResults(
  store: Store,
  jobIdPromise: Promise<string>,
  folderPromise: Promise<string>,
  done: Promise<JobSummary>,
  pollMs: number,
): AsyncGenerator<JobResult> {
  const jobId = await jobIdPromise;
  const folder = await folderPromise;
  // A batch's succeeded requests have their results lines in their chunk's results file.
  const files = new ResultsFileReader((chunkId) => chunkResultsPath(folder, chunkId));
  const toResult = (row: ResultRow): JobResult =>
    row.result_in_file === 1 && row.chunk_id !== null
      ? fromResultLine(files.line(row.chunk_id, Number(row.line)))
      : fromRow(row);
  try {
    yield* resultsOf();
  } finally {
    files.close();
  }

  async function* resultsOf(): AsyncGenerator<JobResult> {
    let finished = false;
    const settle = () => {
      finished = true;
    };
    done.then(settle, settle);
    const columns =
      'r.line, r.custom_id, r.state, r.lane, r.attempts, r.status_code, p.body AS response, r.error, r.cost_nanousd, r.finished_at, r.chunk_id, r.result_in_file';
    const from = 'requests r LEFT JOIN responses p ON p.job_id = r.job_id AND p.line = r.line';
    const final = `r.state IN (${finalRequestStates.map(() => '?').join(', ')})`;
    const given = new Set<number>();
    // While the job runs: results in the order they became final, (finished_at, line) as the cursor.
    let cursor = { at: -1, line: 0 };
    while (!finished) {
      const rows = await store.driver.all<ResultRow>(
        `SELECT ${columns} FROM ${from} WHERE r.job_id = ? AND ${final}
         AND (r.finished_at > ? OR (r.finished_at = ? AND r.line > ?)) ORDER BY r.finished_at, r.line LIMIT 1000`,
        [jobId, ...finalRequestStates, cursor.at, cursor.at, cursor.line],
      );
      for (const row of rows) {
        cursor = { at: Number(row.finished_at), line: Number(row.line) };
        given.add(Number(row.line));
        yield toResult(row);
      }
      if (rows.length < 1000) {
        await Promise.race([
          done.catch(() => undefined),
          new Promise((resolve) => setTimeout(resolve, pollMs)),
        ]);
      }
    }
    await done;
    // Once done, one pass in input order gives whatever the cursor passed over (two results stamped
    // in the same millisecond by different transactions), so no result is ever missed.
    let afterLine = 0;
    for (;;) {
      const rows = await store.driver.all<ResultRow>(
        `SELECT ${columns} FROM ${from} WHERE r.job_id = ? AND ${final} AND r.line > ? ORDER BY r.line LIMIT 1000`,
        [jobId, ...finalRequestStates, afterLine],
      );
      if (rows.length === 0) return;
      for (const row of rows) if (!given.has(Number(row.line))) yield toResult(row);
      afterLine = Number(rows.at(-1)!.line);
    }
  }
}

type ResultRow = StoredRequest & { finished_at: number; result_in_file: number };

/** A result from a results line (the shape write-results.ts gives it). */
function fromResultLine(text: Buffer): JobResult {
  const line = JSON.parse(text.toString('utf8')) as {
    custom_id: string;
    line: number;
    status: JobResult['status'];
    lane: string | null;
    attempts: number;
    response: { status_code: number | null; body: unknown } | null;
    error: JobResult['error'];
    cost_usd: number | null;
  };
  return {
    customId: line.custom_id,
    line: line.line,
    status: line.status,
    lane: line.lane,
    attempts: line.attempts,
    statusCode: line.response?.status_code ?? null,
    response: line.response?.body ?? null,
    error: line.error,
    costNanoUsd: line.cost_usd === null ? null : Math.round(line.cost_usd * nanoUsdPerUsd),
  };
}

function fromRow(row: ResultRow): JobResult {
  return {
    customId: row.custom_id,
    line: Number(row.line),
    status: row.state,
    lane: row.lane,
    attempts: Number(row.attempts),
    statusCode: row.status_code,
    response: row.response ? (JSON.parse(row.response) as unknown) : null,
    error: row.error ? (JSON.parse(row.error) as JobResult['error']) : null,
    costNanoUsd: row.cost_nanousd === null ? null : Number(row.cost_nanousd),
  };
}
