import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import type {
  BatchCancelledWebhookEvent,
  BatchCompletedWebhookEvent,
  BatchExpiredWebhookEvent,
  BatchFailedWebhookEvent,
} from 'openai/resources/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatLine, chatLines, type ServedEmulator, serveEmulator, startBatch } from './batch-test-support.js';

/**
 * Batch webhooks: one signed event per batch when it reaches its final status, delivered without
 * any polling, verifiable by both official SDKs (Standard Webhooks).
 */

type BatchEvent =
  | BatchCompletedWebhookEvent
  | BatchFailedWebhookEvent
  | BatchExpiredWebhookEvent
  | BatchCancelledWebhookEvent;

interface Delivery {
  body: string;
  headers: Record<string, string>;
}

const secret = `whsec_${randomBytes(32).toString('base64')}`;
const deliveries: Delivery[] = [];
let receiver: Server;
let served: ServedEmulator;

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      deliveries.push({ body: Buffer.concat(chunks).toString('utf8'), headers: flatten(request.headers) });
      response.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const { port } = receiver.address() as AddressInfo;
  served = await serveEmulator({
    clock: { scale: 0 },
    webhooks: { url: `http://127.0.0.1:${port}/hooks`, secret },
    faults: { batches: { expireBatchNumbers: [3] } },
  });
});

afterAll(async () => {
  await served.emulator.close();
  await new Promise((resolve) => receiver.close(resolve));
});

function flatten(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (typeof value === 'string') flat[name] = value;
  return flat;
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting for webhooks');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('batch webhooks', () => {
  it('sends batch.completed, batch.failed, batch.expired and batch.cancelled exactly once each, signed', async () => {
    const { client, emulator } = served;
    const completed = await startBatch(client, chatLines(5));
    const failed = await startBatch(client, [chatLine(0), chatLine(1, { customId: 'request-0' })]);
    const expired = await startBatch(client, chatLines(5));
    const cancelled = await startBatch(client, chatLines(5));
    await client.batches.cancel(cancelled.id);

    // From here on nothing reads the batches: the emulator's own ticker must move them along.
    emulator.clock.advance(25 * 3600 * 1000);
    await until(() => deliveries.length >= 4);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await client.batches.list();
    expect(deliveries).toHaveLength(4);

    const openAIEvents = (await Promise.all(
      deliveries.map((delivery) => client.webhooks.unwrap(delivery.body, delivery.headers, secret)),
    )) as BatchEvent[];
    const anthropic = new Anthropic({ apiKey: 'x' });
    for (const delivery of deliveries) {
      const event = anthropic.beta.webhooks.unwrap(delivery.body, { headers: delivery.headers, key: secret });
      expect(event).toEqual(JSON.parse(delivery.body));
    }

    const byBatch = new Map(openAIEvents.map((event) => [event.data.id, event]));
    expect(byBatch.get(completed.id)?.type).toBe('batch.completed');
    expect(byBatch.get(failed.id)?.type).toBe('batch.failed');
    expect(byBatch.get(expired.id)?.type).toBe('batch.expired');
    expect(byBatch.get(cancelled.id)?.type).toBe('batch.cancelled');
    for (const event of openAIEvents) {
      expect(event).toEqual({
        id: expect.stringMatching(/^evt_/),
        object: 'event',
        type: event.type,
        created_at: expect.any(Number),
        data: { id: event.data.id },
      });
      const batch = await client.batches.retrieve(event.data.id);
      const finishedAt = batch.completed_at ?? batch.failed_at ?? batch.expired_at ?? batch.cancelled_at;
      expect(event.created_at).toBe(finishedAt);
    }
    expect(new Set(openAIEvents.map((event) => event.id)).size).toBe(4);
    expect(emulator.record.webhooks.map((entry) => entry.deliveryStatus)).toEqual([200, 200, 200, 200]);
  });

  it('fails verification with the wrong secret', async () => {
    const delivery = deliveries[0]!;
    const wrong = `whsec_${randomBytes(32).toString('base64')}`;
    await expect(served.client.webhooks.unwrap(delivery.body, delivery.headers, wrong)).rejects.toThrow();
    expect(() =>
      new Anthropic({ apiKey: 'x' }).beta.webhooks.unwrap(delivery.body, {
        headers: delivery.headers,
        key: wrong,
      }),
    ).toThrow();
  });
});
