import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { createEngineHarness, type EngineHarness } from '../../batch/test-harness.js';
import type { EmulatorOptions } from '../../emulator/index.js';
import type { Store } from '../../store/open-store.js';
import type { AsyncSubmission, Caller, RequestContext } from '../types.js';
import { sendError, sendJson } from './http-replies.js';
import { type AsyncLaneOptions, type AsyncLaneRunner, createAsyncLane } from './lane.js';

/**
 * The async lane under test: the batch engine's harness (in-process emulator, fresh SQLite store,
 * temp folder, millisecond polling), the lane on top, and a minimal node:http server standing in
 * for the gateway: `Authorization: Bearer <team>` names the team (`admin` is the admin key),
 * `POST` to a model endpoint with `Prefer: respond-async` is accepted, everything else goes to
 * `handle()`.
 */
export interface LaneHarness {
  engine: EngineHarness;
  lane: AsyncLaneRunner;
  url: string;
  /** A new lane on the same store and folder, as a restarted process would have. */
  restart(options?: Partial<AsyncLaneOptions>): Promise<AsyncLaneRunner>;
  dispose(): Promise<void>;
}

export const testSecret = `whsec_${Buffer.from('spendwall-test-webhook-secret-32b').toString('base64')}`;

export interface LaneHarnessOptions extends Partial<AsyncLaneOptions> {
  /**
   * Let webhooks reach receivers on 127.0.0.1, as `gateway.allowPrivateWebhooks: true` does;
   * off by default, as in the gateway. A `webhooks.allowPrivateAddresses` given to the harness
   * or to `restart` wins.
   */
  allowPrivateWebhooks?: boolean;
}

export async function createLaneHarness(
  options: LaneHarnessOptions = {},
  emulatorOptions: EmulatorOptions = { clock: { instant: true } },
  /** A store, or the database to open one on (its files in the harness's folder). */
  store?: Store | { databaseUrl: string },
): Promise<LaneHarness> {
  const engine = await createEngineHarness(emulatorOptions, store);
  const { allowPrivateWebhooks = false, ...overrides } = options;
  const laneOptions = (extra: Partial<AsyncLaneOptions>): AsyncLaneOptions => {
    const merged: AsyncLaneOptions = {
      store: engine.store,
      providers: engine.providers,
      home: engine.folder,
      engine: engine.settings,
      flush: { checkIntervalMs: 20, maxAgeMs: 60_000 },
      webhooks: { secret: testSecret, checkIntervalMs: 20, retryDelaysMs: [20, 40] },
      retryAfterSeconds: 1,
      onError: (error) => {
        throw error;
      },
      ...overrides,
      ...extra,
    };
    return {
      ...merged,
      webhooks: {
        ...merged.webhooks,
        allowPrivateAddresses: merged.webhooks?.allowPrivateAddresses ?? allowPrivateWebhooks,
      },
    };
  };
  let lane = await createAsyncLane(laneOptions({}));
  const server = createServer((request, response) => {
    serve(lane, request, response).catch((error: unknown) => {
      if (!response.headersSent) sendError(response, 500, { message: String(error), type: 'api_error' });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    engine,
    get lane() {
      return lane;
    },
    url: `http://127.0.0.1:${port}`,
    async restart(extra = {}) {
      lane = await createAsyncLane(laneOptions(extra));
      return lane;
    },
    async dispose() {
      await lane.close();
      await new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await engine.dispose();
    },
  };
}

export function callerOf(authorization: string | undefined): Caller {
  const key = authorization?.replace(/^Bearer\s+/i, '') ?? '';
  return key === 'admin'
    ? { team: undefined, admin: true, keyId: 'key_admin' }
    : { team: key || 'anonymous', admin: false, keyId: `key_${key}` };
}

export function contextFor(caller: Caller, workload: string | undefined): RequestContext {
  return { requestId: 'req_test', caller, workload, metadata: {}, tags: [], startedAt: 0 };
}

/** A submission as the gateway would hand it over after routing chose `batch`. */
export function submission(
  team: string | undefined,
  body: Record<string, unknown>,
  extra: { workload?: string; deadlineMs?: number; webhookUrl?: string; endpoint?: string } = {},
): AsyncSubmission {
  const workload = extra.workload ?? 'nightly-classify';
  const caller = team === undefined ? callerOf('admin') : callerOf(team);
  const model = String(body['model']);
  const anthropic = model.startsWith('claude');
  return {
    context: contextFor(caller, extra.workload ?? 'nightly-classify'),
    decision: {
      workload,
      rule: 'nightly-*',
      urgency: 'deferrable',
      lane: 'batch',
      ...(extra.deadlineMs === undefined ? {} : { deadlineMs: extra.deadlineMs }),
      provider: anthropic ? 'anthropic' : 'openai',
      model,
      reason: 'deferrable: the batch lane',
      missedSavings: false,
    },
    provider: anthropic ? 'anthropic' : 'openai',
    endpoint: extra.endpoint ?? (anthropic ? '/v1/messages' : '/v1/chat/completions'),
    body: Buffer.from(JSON.stringify(body)),
    webhookUrl: extra.webhookUrl,
  };
}

export function chatBody(index: number, model = 'gpt-4o-mini') {
  return {
    model,
    messages: [{ role: 'user', content: `Classify ticket ${index}: my parcel ${index} is late` }],
    max_tokens: 16,
  };
}

/** The official openai SDK, unchanged but for its base URL, as `team` (`admin`: the admin key). */
export function openaiClient(url: string, team: string): OpenAI {
  return new OpenAI({ apiKey: team, baseURL: `${url}/v1`, maxRetries: 0 });
}

/** A `/v1/batches` input file of `count` chat completion lines. */
export function batchInput(count: number): string {
  const lines: string[] = [];
  for (let index = 0; index < count; index++) {
    lines.push(
      JSON.stringify({
        custom_id: `task-${index}`,
        method: 'POST',
        url: '/v1/chat/completions',
        body: chatBody(index),
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Polls a batch until it has ended. */
export async function batchEnded(openai: OpenAI, id: string) {
  let batch = await openai.batches.retrieve(id);
  await until(async () => {
    batch = await openai.batches.retrieve(id);
    return ['completed', 'failed', 'cancelled', 'expired'].includes(batch.status);
  });
  return batch;
}

async function serve(
  lane: AsyncLaneRunner,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const caller = callerOf(request.headers.authorization);
  const workload = request.headers['x-spendwall-workload'];
  const context = contextFor(caller, typeof workload === 'string' ? workload : undefined);
  const path = new URL(request.url ?? '/', 'http://gateway').pathname;
  if (
    request.method === 'POST' &&
    /respond-async/.test(String(request.headers.prefer)) &&
    ['/v1/chat/completions', '/v1/embeddings', '/v1/messages'].includes(path)
  ) {
    const chunks: Buffer[] = [];
    for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    const parsed = JSON.parse(body.toString('utf8')) as { model: string };
    const hook = request.headers['x-spendwall-webhook-url'];
    const accepted = await lane.accept({
      context,
      decision: {
        workload: context.workload ?? 'default',
        rule: 'test',
        urgency: 'deferrable',
        lane: 'batch',
        provider: parsed.model.startsWith('claude') ? 'anthropic' : 'openai',
        model: parsed.model,
        reason: 'test',
        missedSavings: false,
      },
      provider: parsed.model.startsWith('claude') ? 'anthropic' : 'openai',
      endpoint: path,
      body,
      webhookUrl: typeof hook === 'string' ? hook : undefined,
    });
    return sendJson(
      response,
      202,
      { id: accepted.id, status: 'queued' },
      {
        location: `/v1/spendwall/requests/${accepted.id}`,
        'preference-applied': 'respond-async',
      },
    );
  }
  if (!(await lane.handle(request, response, context))) {
    sendError(response, 404, { message: `no route for ${path}`, type: 'invalid_request_error' });
  }
}

/** Waits until `condition` holds, checking every 10 ms. */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const keepAlive = new Agent({ keepAlive: true, maxSockets: 256 });

/** A POST over a kept-alive socket (node:http: several times cheaper than fetch for thousands of calls). */
export function post(
  url: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        agent: keepAlive,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          ...headers,
        },
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () =>
          resolve({ status: incoming.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
        );
        incoming.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** A gateway process running crash-child.ts, for the kill tests; stdout and stderr gathered. */
export interface CrashChild {
  process: ChildProcess;
  output: { text: string };
  /** Its exit code and signal, once it has exited and its output is closed. */
  exited: Promise<[number | null, NodeJS.Signals | null]>;
  /** Resolves once its output includes `text`, or once it has exited. */
  says(text: string): Promise<void>;
}

export function startCrashChild(environment: NodeJS.ProcessEnv): CrashChild {
  const spawned = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./crash-child.ts', import.meta.url))],
    {
      cwd: fileURLToPath(new URL('../../../', import.meta.url)),
      env: { ...process.env, ...environment },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output = { text: '' };
  spawned.stdout!.setEncoding('utf8').on('data', (text: string) => (output.text += text));
  spawned.stderr!.setEncoding('utf8').on('data', (text: string) => (output.text += text));
  const exited = once(spawned, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
  let ended = false;
  void exited.then(() => (ended = true));
  return {
    process: spawned,
    output,
    exited,
    says: (text) => until(() => ended || output.text.includes(text), 60_000),
  };
}
