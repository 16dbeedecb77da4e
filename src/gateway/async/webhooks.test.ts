import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  chatBody,
  createLaneHarness,
  type LaneHarness,
  submission,
  testSecret,
  until,
} from './test-support.js';

interface Delivery {
  body: string;
  headers: Record<string, string>;
}

let harness: LaneHarness | undefined;
let receiver: Server;
let receiverUrl: string;
let deliveries: Delivery[];
/** Statuses the receiver answers with, in turn; 200 once used up. */
let answers: number[];

beforeEach(async () => {
  deliveries = [];
  answers = [];
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      deliveries.push({ body: Buffer.concat(chunks).toString('utf8'), headers: flatten(request.headers) });
      response.statusCode = answers.shift() ?? 200;
      response.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
});

afterEach(async () => {
  await harness?.dispose();
  harness = undefined;
  await new Promise((resolve) => receiver.close(resolve));
});

function flatten(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (typeof value === 'string') flat[name] = value;
  return flat;
}

describe('async lane: completion webhooks', () => {
  it('POSTs a Standard Webhooks event that the official openai SDK verifies', async () => {
    harness = await createLaneHarness({ allowPrivateWebhooks: true });
    const { id } = await harness.lane.accept(submission('team-a', chatBody(1), { webhookUrl: receiverUrl }));
    await harness.lane.flush(true);
    await harness.lane.settled();
    await until(() => deliveries.length === 1);

    const client = new OpenAI({ apiKey: 'unused', webhookSecret: testSecret });
    const event = await client.webhooks.unwrap(deliveries[0]!.body, deliveries[0]!.headers);
    expect(event).toMatchObject({
      id: `evt_${id}`,
      object: 'event',
      type: 'spendwall.request.completed',
      created_at: expect.any(Number),
      data: { id, status: 'completed', workload: 'nightly-classify' },
    });
    const wrong = `whsec_${Buffer.from('another-secret-of-at-least-24-bytes').toString('base64')}`;
    await expect(
      client.webhooks.unwrap(deliveries[0]!.body, deliveries[0]!.headers, wrong),
    ).rejects.toThrow();
    await until(async () => {
      const row = await harness!.engine.store.driver.get<{ webhook_state: string }>(
        'SELECT webhook_state FROM async_requests WHERE id = ?',
        [id],
      );
      return row?.webhook_state === 'delivered';
    });
  });

  it('retries with backoff, the same event id each time, and records the outcome durably', async () => {
    harness = await createLaneHarness({ allowPrivateWebhooks: true });
    answers = [500, 503];
    const { id } = await harness.lane.accept(submission('team-a', chatBody(1), { webhookUrl: receiverUrl }));
    await harness.lane.flush(true);
    await harness.lane.settled();
    await until(() => deliveries.length === 3);
    expect(new Set(deliveries.map((delivery) => delivery.headers['webhook-id']))).toEqual(
      new Set([`evt_${id}`]),
    );
    expect(new Set(deliveries.map((delivery) => delivery.body)).size).toBe(1);
    const { driver } = harness.engine.store;
    await until(async () => {
      const row = await driver.get<{ webhook_state: string }>(
        'SELECT webhook_state FROM async_requests WHERE id = ?',
        [id],
      );
      return row?.webhook_state === 'delivered';
    });
    const row = await driver.get<{ webhook_attempts: number; webhook_last_status: number }>(
      'SELECT webhook_attempts, webhook_last_status FROM async_requests WHERE id = ?',
      [id],
    );
    expect(row).toEqual({ webhook_attempts: 3, webhook_last_status: 200 });
  });

  it('gives up after the last retry and says so in the row; a failed request’s event says failed', async () => {
    harness = await createLaneHarness({ allowPrivateWebhooks: true });
    answers = [500, 500, 500, 500];
    const { id } = await harness.lane.accept(
      submission('team-a', { ...chatBody(1), model: 'gpt-no-such-model' }, { webhookUrl: receiverUrl }),
    );
    await harness.lane.flush(true);
    await harness.lane.settled();
    const { driver } = harness.engine.store;
    await until(async () => {
      const row = await driver.get<{ webhook_state: string }>(
        'SELECT webhook_state FROM async_requests WHERE id = ?',
        [id],
      );
      return row?.webhook_state === 'failed';
    });
    expect(deliveries).toHaveLength(3);
    expect(JSON.parse(deliveries[0]!.body)).toMatchObject({
      type: 'spendwall.request.failed',
      data: { id, status: 'failed' },
    });
  });

  it('refuses a webhook URL when no secret is configured, and a URL that is not http(s)', async () => {
    harness = await createLaneHarness({ webhooks: { secret: undefined } });
    const saved = process.env['SPENDWALL_WEBHOOK_SECRET'];
    delete process.env['SPENDWALL_WEBHOOK_SECRET'];
    try {
      await harness.lane.close();
      const lane = await harness.restart({ webhooks: { secret: undefined, checkIntervalMs: 20 } });
      await expect(
        lane.accept(submission('team-a', chatBody(1), { webhookUrl: 'https://hooks.example.com/x' })),
      ).rejects.toMatchObject({
        code: 'webhooks_not_configured',
        place: 'x-spendwall-webhook-url',
      });
      await expect(
        lane.accept(submission('team-a', chatBody(1), { webhookUrl: 'file:///etc/passwd' })),
      ).rejects.toMatchObject({
        code: 'invalid_webhook_url',
      });
    } finally {
      if (saved !== undefined) process.env['SPENDWALL_WEBHOOK_SECRET'] = saved;
    }
  });
});
