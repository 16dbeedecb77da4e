import { afterEach, describe, expect, it } from 'vitest';
import type { EmulatorOptions } from '../index.js';
import {
  chatLines,
  downloadLines,
  type ServedEmulator,
  serveEmulator,
  startBatch,
  waitForBatch,
} from './batch-test-support.js';

/**
 * Lifecycles on a frozen clock (scale 0) moved by hand. Defaults: 20 s validating, 0.2 s per request
 * with a 60 s minimum, 15 s finalizing, 10 s cancelling, a 24 h window.
 */
let served: ServedEmulator | undefined;
afterEach(async () => {
  await served?.emulator.close();
  served = undefined;
});

async function frozen(options: EmulatorOptions = {}): Promise<ServedEmulator> {
  served = await serveEmulator({ ...options, clock: { scale: 0 } });
  return served;
}

const seconds = (value: number) => value * 1000;

describe('a batch on emulated time', () => {
  it('validates, runs with growing counts, finalizes and completes, with each timestamp', async () => {
    const { client, emulator } = await frozen();
    const created = await startBatch(client, chatLines(1000));
    const t0 = created.created_at;
    const look = () => client.batches.retrieve(created.id);

    emulator.clock.advance(seconds(19));
    expect((await look()).status).toBe('validating');

    emulator.clock.advance(seconds(1));
    let batch = await look();
    expect(batch).toMatchObject({
      status: 'in_progress',
      in_progress_at: t0 + 20,
      model: 'gpt-4o-mini',
      request_counts: { total: 1000, completed: 0, failed: 0 },
    });

    // 1,000 requests at 0.2 s each: 200 s of processing, lines done at an even pace.
    emulator.clock.advance(seconds(50));
    expect((await look()).request_counts).toEqual({ total: 1000, completed: 250, failed: 0 });
    emulator.clock.advance(seconds(100));
    batch = await look();
    expect(batch.request_counts).toEqual({ total: 1000, completed: 750, failed: 0 });
    expect(batch.usage!.input_tokens).toBeGreaterThan(0);

    emulator.clock.advance(seconds(50));
    batch = await look();
    expect(batch).toMatchObject({ status: 'finalizing', finalizing_at: t0 + 220, output_file_id: null });
    expect(batch.request_counts!.completed).toBe(1000);

    emulator.clock.advance(seconds(15));
    batch = await look();
    expect(batch).toMatchObject({ status: 'completed', completed_at: t0 + 235, error_file_id: null });
    expect(await downloadLines(client, batch.output_file_id!)).toHaveLength(1000);
  });

  it('runs a runLong batch longFactor times longer', async () => {
    const { client, emulator } = await frozen({ faults: { batches: { runLong: 1, longRunFactor: 10 } } });
    const created = await startBatch(client, chatLines(100));
    // 100 requests: the 60 s minimum applies, times 10.
    emulator.clock.advance(seconds(20 + 599));
    expect((await client.batches.retrieve(created.id)).status).toBe('in_progress');
    emulator.clock.advance(seconds(1));
    expect((await client.batches.retrieve(created.id)).status).toBe('finalizing');
  });
});

describe('cancelling', () => {
  it('keeps and bills the lines finished before the cancel; the rest go to the error file as batch_cancelled', async () => {
    const { client, emulator } = await frozen();
    const created = await startBatch(client, chatLines(1000));
    emulator.clock.advance(seconds(20 + 100));

    let batch = await client.batches.cancel(created.id);
    expect(batch).toMatchObject({
      status: 'cancelling',
      request_counts: { total: 1000, completed: 500, failed: 0 },
    });
    expect(batch.cancelling_at).toBe(created.created_at + 120);

    // Nothing more runs while cancelling.
    emulator.clock.advance(seconds(9));
    batch = await client.batches.retrieve(created.id);
    expect(batch).toMatchObject({ status: 'cancelling', request_counts: { completed: 500 } });
    expect(await client.batches.cancel(created.id)).toMatchObject({ status: 'cancelling' });

    emulator.clock.advance(seconds(1));
    batch = await client.batches.retrieve(created.id);
    expect(batch).toMatchObject({
      status: 'cancelled',
      cancelled_at: created.created_at + 130,
      request_counts: { total: 1000, completed: 500, failed: 500 },
    });

    const output = await downloadLines(client, batch.output_file_id!);
    const errors = await downloadLines(client, batch.error_file_id!);
    expect(output).toHaveLength(500);
    expect(errors).toHaveLength(500);
    const ids = new Set([...output, ...errors].map((line) => line['custom_id']));
    expect(ids.size).toBe(1000);
    expect(errors[0]).toMatchObject({
      response: null,
      error: {
        code: 'batch_cancelled',
        message: 'This request could not be executed before the batch was cancelled.',
      },
    });
    const billed = output.reduce(
      (sum, line) =>
        sum + (line['response'] as { body: { usage: { prompt_tokens: number } } }).body.usage.prompt_tokens,
      0,
    );
    expect(batch.usage!.input_tokens).toBe(billed);
  });

  it('cancels a batch still validating without any files', async () => {
    const { client, emulator } = await frozen();
    const created = await startBatch(client, chatLines(10));
    expect(await client.batches.cancel(created.id)).toMatchObject({ status: 'cancelling' });
    emulator.clock.advance(seconds(60));
    const batch = await client.batches.retrieve(created.id);
    expect(batch).toMatchObject({
      status: 'cancelled',
      in_progress_at: null,
      output_file_id: null,
      error_file_id: null,
      request_counts: { total: 0, completed: 0, failed: 0 },
    });
  });
});

describe('expiring', () => {
  it('runs past its window and keeps expireFinishedFraction of the lines; the rest are batch_expired', async () => {
    const { client, emulator } = await frozen({
      faults: { batches: { expireBatchNumbers: [2], expireFinishedFraction: 0.3 } },
    });
    const spared = await startBatch(client, chatLines(10));
    const created = await startBatch(client, chatLines(1000));

    emulator.clock.advance(seconds(86_399));
    let batch = await client.batches.retrieve(created.id);
    expect(batch.status).toBe('in_progress');
    expect(batch.request_counts!.completed).toBeLessThanOrEqual(300);
    expect((await client.batches.retrieve(spared.id)).status).toBe('completed');

    emulator.clock.advance(seconds(1));
    batch = await client.batches.retrieve(created.id);
    expect(batch).toMatchObject({
      status: 'expired',
      expired_at: batch.expires_at,
      request_counts: { total: 1000, completed: 300, failed: 700 },
    });
    const output = await downloadLines(client, batch.output_file_id!);
    const errors = await downloadLines(client, batch.error_file_id!);
    expect(output).toHaveLength(300);
    expect(errors).toHaveLength(700);
    for (const line of errors) {
      expect(line).toEqual({
        id: expect.stringMatching(/^batch_req_/),
        custom_id: expect.stringMatching(/^request-\d+$/),
        response: null,
        error: {
          code: 'batch_expired',
          message: 'This request could not be executed before the completion window expired.',
        },
      });
    }
  });

  it('expires on its own when the work cannot fit in the window', async () => {
    const { client, emulator } = await frozen({ timing: { secondsPerRequest: 100 } });
    const created = await startBatch(client, chatLines(1000));
    emulator.clock.advance(seconds(86_400));
    const batch = await client.batches.retrieve(created.id);
    // In progress from 20 s, one line per 100 s: 863 lines done when the window closes.
    expect(batch).toMatchObject({
      status: 'expired',
      request_counts: { total: 1000, completed: 863, failed: 137 },
    });
  });

  it('expires at the configured rate, on the first read with an instant clock', async () => {
    served = await serveEmulator({
      clock: { instant: true },
      faults: { batches: { expire: 1, expireFinishedFraction: 0.5 } },
    });
    const batch = await waitForBatch(served.client, (await startBatch(served.client, chatLines(20))).id);
    expect(batch).toMatchObject({
      status: 'expired',
      request_counts: { total: 20, completed: 10, failed: 10 },
    });
  });
});
