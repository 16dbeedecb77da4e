import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator, type EmulatorOptions } from '../index.js';

/**
 * Batch lifecycles on a stopped clock (scale 0) that the tests move by hand, so every step is
 * exact: nothing here depends on how fast the machine is.
 */

const model = 'claude-haiku-4-5-20251001';
const second = 1000;

const open: Emulator[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((emulator) => emulator.close()));
});

function start(options: EmulatorOptions = {}) {
  const emulator = createEmulator({
    clock: { scale: 0 },
    timing: { secondsPerRequest: 1, minProcessingSeconds: 60, cancellingSeconds: 10 },
    ...options,
  });
  open.push(emulator);
  const client = new Anthropic({
    baseURL: 'http://emulator',
    apiKey: 'sk-ant-test',
    maxRetries: 0,
    fetch: emulator.fetch,
  });
  return { emulator, client };
}

function requests(count: number, prefix = 'line') {
  return Array.from({ length: count }, (_, index) => ({
    custom_id: `${prefix}-${index}`,
    params: { model, max_tokens: 64, messages: [{ role: 'user' as const, content: `Item ${index}` }] },
  }));
}

async function results(client: Anthropic, id: string) {
  const lines: Anthropic.Messages.MessageBatchIndividualResponse[] = [];
  for await (const line of await client.messages.batches.results(id)) lines.push(line);
  return lines;
}

function tally(lines: Anthropic.Messages.MessageBatchIndividualResponse[]) {
  const counts: Record<string, number> = {};
  for (const line of lines) {
    const key = line.result.type === 'errored' ? `errored:${line.result.error.error.type}` : line.result.type;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe('lifecycle on emulated time', () => {
  it('stays in progress until its lines are processed, then ends', async () => {
    const { emulator, client } = start();
    const batch = await client.messages.batches.create({ requests: requests(100) });

    emulator.clock.advance(50 * second);
    const halfway = await client.messages.batches.retrieve(batch.id);
    expect(halfway.processing_status).toBe('in_progress');
    expect(halfway.request_counts).toEqual({
      processing: 100,
      succeeded: 0,
      errored: 0,
      canceled: 0,
      expired: 0,
    });
    await expect(client.messages.batches.results(batch.id)).rejects.toThrow(/results_url/);
    const early = await emulator.fetch(`http://emulator/v1/messages/batches/${batch.id}/results`, {
      headers: { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' },
    });
    expect(early.status).toBe(400);
    await expect(client.messages.batches.delete(batch.id)).rejects.toMatchObject({ status: 400 });

    emulator.clock.advance(50 * second);
    const ended = await client.messages.batches.retrieve(batch.id);
    expect(ended.processing_status).toBe('ended');
    expect(ended.request_counts.succeeded).toBe(100);
    expect(Date.parse(ended.ended_at ?? '') - Date.parse(ended.created_at)).toBe(100 * second);
  });

  it('takes longRunFactor times longer when the runLong fault hits', async () => {
    const { emulator, client } = start({ faults: { batches: { runLong: 1, longRunFactor: 10 } } });
    const batch = await client.messages.batches.create({ requests: requests(100) });
    emulator.clock.advance(999 * second);
    expect((await client.messages.batches.retrieve(batch.id)).processing_status).toBe('in_progress');
    emulator.clock.advance(1 * second);
    expect((await client.messages.batches.retrieve(batch.id)).processing_status).toBe('ended');
  });
});

describe('cancel', () => {
  it('keeps the results finished before the cancel and marks the rest canceled', async () => {
    const { emulator, client } = start();
    const batch = await client.messages.batches.create({ requests: requests(100) });
    emulator.clock.advance(40 * second);

    const canceling = await client.messages.batches.cancel(batch.id);
    expect(canceling.processing_status).toBe('canceling');
    expect(canceling.cancel_initiated_at).not.toBeNull();
    expect(canceling.request_counts.processing).toBe(100);
    expect((await client.messages.batches.cancel(batch.id)).processing_status).toBe('canceling');

    emulator.clock.advance(9 * second);
    expect((await client.messages.batches.retrieve(batch.id)).processing_status).toBe('canceling');
    emulator.clock.advance(1 * second);
    const ended = await client.messages.batches.retrieve(batch.id);
    expect(ended.processing_status).toBe('ended');
    expect(ended.request_counts).toEqual({
      processing: 0,
      succeeded: 40,
      errored: 0,
      canceled: 60,
      expired: 0,
    });
    expect(Date.parse(ended.ended_at ?? '') - Date.parse(ended.cancel_initiated_at ?? '')).toBe(10 * second);

    const lines = await results(client, batch.id);
    expect(tally(lines)).toEqual({ succeeded: 40, canceled: 60 });
    expect(lines.find((line) => line.result.type === 'canceled')?.result).toEqual({ type: 'canceled' });
  });
});

describe('expiry', () => {
  it('ends a batch chosen to expire at its window, with the finished fraction kept', async () => {
    const { emulator, client } = start({
      faults: { batches: { expireBatchNumbers: [2], expireFinishedFraction: 0.3 } },
    });
    const first = await client.messages.batches.create({ requests: requests(10, 'first') });
    const second = await client.messages.batches.create({ requests: requests(10, 'second') });

    emulator.clock.advance(23 * 3600 * 1000);
    expect((await client.messages.batches.retrieve(first.id)).request_counts.succeeded).toBe(10);
    expect((await client.messages.batches.retrieve(second.id)).processing_status).toBe('in_progress');

    emulator.clock.advance(3600 * 1000);
    const expired = await client.messages.batches.retrieve(second.id);
    expect(expired.processing_status).toBe('ended');
    expect(expired.ended_at).toBe(expired.expires_at);
    expect(expired.request_counts).toEqual({
      processing: 0,
      succeeded: 3,
      errored: 0,
      canceled: 0,
      expired: 7,
    });
    const lines = await results(client, second.id);
    expect(tally(lines)).toEqual({ succeeded: 3, expired: 7 });
    expect(lines.find((line) => line.result.type === 'expired')?.result).toEqual({ type: 'expired' });
  });

  it('expires the lines a batch too slow for its window did not reach', async () => {
    const { emulator, client } = start({
      timing: { secondsPerRequest: 1, minProcessingSeconds: 0, batchWindowSeconds: 100 },
    });
    const batch = await client.messages.batches.create({ requests: requests(200) });
    emulator.clock.advance(100 * second);
    const ended = await client.messages.batches.retrieve(batch.id);
    expect(ended.request_counts).toMatchObject({ succeeded: 100, expired: 100 });
  });
});

describe('line faults', () => {
  it('errors lines at the configured rates, with the API error shapes, and a retry draws anew', async () => {
    const { client } = start({
      clock: { instant: true },
      faults: { batches: { lineRetryable: 0.1, lineInvalid: 0.05 } },
    });
    const batch = await client.messages.batches.create({ requests: requests(2000) });
    await client.messages.batches.retrieve(batch.id);
    const lines = await results(client, batch.id);
    const counts = tally(lines);
    expect(counts['errored:api_error']).toBeGreaterThan(200 - 60);
    expect(counts['errored:api_error']).toBeLessThan(200 + 60);
    expect(counts['errored:invalid_request_error']).toBeGreaterThan(100 - 45);
    expect(counts['errored:invalid_request_error']).toBeLessThan(100 + 45);

    const retryable = lines.filter(
      (line) => line.result.type === 'errored' && line.result.error.error.type === 'api_error',
    );
    expect(retryable[0]?.result).toEqual({
      type: 'errored',
      error: {
        type: 'error',
        error: { type: 'api_error', message: 'Internal server error' },
        request_id: null,
      },
    });

    const retryIds = new Set(retryable.map((line) => line.custom_id));
    const retry = await client.messages.batches.create({
      requests: requests(2000).filter((entry) => retryIds.has(entry.custom_id)),
    });
    await client.messages.batches.retrieve(retry.id);
    const retried = tally(await results(client, retry.id));
    expect(retried['succeeded']).toBeGreaterThan(retryIds.size * 0.7);
  });
});

describe('list', () => {
  it('pages newest first with after_id and before_id, and the SDK iterates every page', async () => {
    const { client } = start({ clock: { instant: true } });
    const ids: string[] = [];
    for (let index = 0; index < 5; index++) {
      ids.push((await client.messages.batches.create({ requests: requests(1, `batch${index}`) })).id);
    }
    const [b1, b2, b3, b4, b5] = ids;

    const first = await client.messages.batches.list({ limit: 2 });
    expect(first.data.map((batch) => batch.id)).toEqual([b5, b4]);
    expect(first).toMatchObject({ has_more: true, first_id: b5, last_id: b4 });
    const older = await client.messages.batches.list({ limit: 2, after_id: b4 });
    expect(older.data.map((batch) => batch.id)).toEqual([b3, b2]);
    const oldest = await client.messages.batches.list({ limit: 2, after_id: b2 });
    expect(oldest.data.map((batch) => batch.id)).toEqual([b1]);
    expect(oldest.has_more).toBe(false);
    const newer = await client.messages.batches.list({ limit: 2, before_id: b2 });
    expect(newer.data.map((batch) => batch.id)).toEqual([b4, b3]);
    expect(newer.has_more).toBe(true);

    const all: string[] = [];
    for await (const batch of client.messages.batches.list({ limit: 2 })) all.push(batch.id);
    expect(all).toEqual([b5, b4, b3, b2, b1]);

    await client.messages.batches.delete(b3!);
    const afterDelete = await client.messages.batches.list({ limit: 10, after_id: b4 });
    expect(afterDelete.data.map((batch) => batch.id)).toEqual([b2, b1]);
    await expect(client.messages.batches.list({ limit: 0 })).rejects.toMatchObject({ status: 400 });
  });
});
