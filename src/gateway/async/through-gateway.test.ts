import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastSettings } from '../../batch/test-harness.js';
import { createEmulator, type Emulator } from '../../emulator/index.js';
import { createProvider } from '../../providers/index.js';
import { openStore, type Store } from '../../store/open-store.js';
import { createKey } from '../key-store.js';
import { createGateway, type Gateway } from '../server.js';
import { testRoute } from '../test-harness.js';
import { type AsyncLaneRunner, createAsyncLane } from './lane.js';
import { chatBody, testSecret, until } from './test-support.js';

/**
 * The async lane behind the real gateway server (src/gateway/server.ts): gateway keys name the
 * team, the policy routes `defer-*` workloads to the batch lane, `Prefer: respond-async` gets a
 * 202 with a `Location` to poll, and `/v1/files` + `/v1/batches` work with the official SDK.
 */

let folder: string;
let emulator: Emulator;
let store: Store;
let lane: AsyncLaneRunner;
let gateway: Gateway;
let url: string;
const keys: Record<string, string> = {};

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'spendwall-async-gateway-'));
  emulator = createEmulator({ clock: { instant: true } });
  const upstream = await emulator.listen(0);
  store = await openStore({ home: folder });
  keys['team-a'] = (await createKey(store.driver, 'team-a')).key;
  keys['team-b'] = (await createKey(store.driver, 'team-b')).key;
  lane = await createAsyncLane({
    store,
    providers: {
      openai: createProvider('openai', { baseURL: `${upstream}/v1`, apiKey: 'sk-emulator' }),
      anthropic: createProvider('anthropic', { baseURL: upstream, apiKey: 'sk-ant-emulator' }),
    },
    home: folder,
    engine: fastSettings,
    flush: { checkIntervalMs: 20, maxAgeMs: 50 },
    webhooks: { secret: testSecret, checkIntervalMs: 20 },
  });
  gateway = await createGateway({
    driver: store.driver,
    upstreams: {
      openai: { baseURL: `${upstream}/v1`, apiKey: 'sk-emulator' },
      anthropic: { baseURL: upstream, apiKey: 'sk-ant-emulator' },
    },
    route: testRoute('batch', 24 * 3_600_000),
    asyncLane: lane,
    asyncRetryAfterSeconds: 1,
    log: null,
  });
  url = await gateway.listen(0);
});

afterAll(async () => {
  await gateway?.close();
  await emulator?.close();
  await store?.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('async lane behind the gateway server', () => {
  it('accepts with 202 and Location, answers the poll with the provider body once done, and hides it from other teams', async () => {
    const accepted = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${keys['team-a']}`,
        'content-type': 'application/json',
        prefer: 'respond-async',
        'x-spendwall-workload': 'defer-nightly',
      },
      body: JSON.stringify(chatBody(1)),
    });
    expect(accepted.status).toBe(202);
    const location = accepted.headers.get('location')!;
    expect(location).toMatch(/^\/v1\/spendwall\/requests\/areq_/);

    const poll = (key: string) => fetch(`${url}${location}`, { headers: { authorization: `Bearer ${key}` } });
    expect((await poll(keys['team-b']!)).status).toBe(404);
    let done: Response | undefined;
    await until(async () => {
      done = await poll(keys['team-a']!);
      return done.status === 200;
    });
    expect(done!.headers.get('x-spendwall-lane')).toBe('batch');
    expect(Number(done!.headers.get('x-spendwall-cost-usd'))).toBeGreaterThan(0);
    expect(((await done!.json()) as { object: string }).object).toBe('chat.completion');
  });

  /** A deferrable request sent asynchronously by team-a, asking for a webhook at `webhookUrl`. */
  const sendWithWebhook = (webhookUrl: string) =>
    fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${keys['team-a']}`,
        'content-type': 'application/json',
        prefer: 'respond-async',
        'x-spendwall-workload': 'defer-nightly',
        'x-spendwall-webhook-url': webhookUrl,
      },
      body: JSON.stringify(chatBody(1)),
    });

  it('refuses a bad webhook URL with a 400 naming the header', async () => {
    const refused = await sendWithWebhook('not a url');
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { param: string } }).error.param).toBe(
      'x-spendwall-webhook-url',
    );
  });

  it('refuses a webhook to cloud metadata with an OpenAI-shaped 400 naming the setting', async () => {
    const refused = await sendWithWebhook('http://169.254.169.254/latest/meta-data/');
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({
      error: {
        message:
          'webhooks may only go to public addresses, and 169.254.169.254 is not a public address; ' +
          'set gateway.allowPrivateWebhooks: true in spendwall.yaml to allow it',
        type: 'invalid_request_error',
        param: 'x-spendwall-webhook-url',
        code: 'webhook_target_not_allowed',
      },
    });
  });

  it('runs files and batches from the official SDK through the gateway', async () => {
    const openai = new OpenAI({ apiKey: keys['team-a'], baseURL: `${url}/v1`, maxRetries: 0 });
    const lines = [0, 1, 2]
      .map((index) =>
        JSON.stringify({
          custom_id: `t-${index}`,
          method: 'POST',
          url: '/v1/chat/completions',
          body: chatBody(index),
        }),
      )
      .join('\n');
    const file = await openai.files.create({
      file: await toFile(Buffer.from(lines), 'in.jsonl'),
      purpose: 'batch',
    });
    const batch = await openai.batches.create({
      input_file_id: file.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });
    let current = batch;
    await until(async () => {
      current = await openai.batches.retrieve(batch.id);
      return current.status === 'completed';
    });
    expect(current.request_counts).toEqual({ total: 3, completed: 3, failed: 0 });
    const output = await (await openai.files.content(current.output_file_id!)).text();
    expect(output.trim().split('\n')).toHaveLength(3);
    const other = new OpenAI({ apiKey: keys['team-b'], baseURL: `${url}/v1`, maxRetries: 0 });
    await expect(other.batches.retrieve(batch.id)).rejects.toMatchObject({ status: 404 });
  });
});
