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

let served: ServedEmulator[] = [];
afterEach(async () => {
  await Promise.all(served.map((entry) => entry.emulator.close()));
  served = [];
});

async function instant(options: EmulatorOptions): Promise<ServedEmulator> {
  const entry = await serveEmulator({ ...options, clock: { instant: true } });
  served.push(entry);
  return entry;
}

const faults: EmulatorOptions = { faults: { batches: { lineRetryable: 0.1, lineInvalid: 0.1 } } };

/** Runs a batch and answers the custom_ids of its error lines, by HTTP status. */
async function failures(entry: ServedEmulator, count: number) {
  const batch = await waitForBatch(entry.client, (await startBatch(entry.client, chatLines(count))).id);
  expect(batch.status).toBe('completed');
  const errors = await downloadLines(entry.client, batch.error_file_id!);
  const byStatus = new Map<number, string[]>();
  for (const line of errors) {
    const status = (line['response'] as { status_code: number }).status_code;
    byStatus.set(status, [...(byStatus.get(status) ?? []), line['custom_id'] as string]);
  }
  return { batch, errors, byStatus };
}

describe('per-line batch faults', () => {
  it('fails lines at the configured rates, in the shapes of real-time errors', async () => {
    const entry = await instant(faults);
    const { batch, errors, byStatus } = await failures(entry, 2000);
    const retryable = byStatus.get(500)?.length ?? 0;
    const invalid = byStatus.get(400)?.length ?? 0;
    // 2,000 draws at p = 0.1: the standard deviation is about 13, so ±50 is beyond 3.5 of them.
    expect(retryable).toBeGreaterThan(150);
    expect(retryable).toBeLessThan(250);
    expect(invalid).toBeGreaterThan(150);
    expect(invalid).toBeLessThan(250);
    expect(batch.request_counts).toEqual({
      total: 2000,
      completed: 2000 - retryable - invalid,
      failed: retryable + invalid,
    });
    expect(errors).toHaveLength(retryable + invalid);

    const serverError = errors.find(
      (line) => (line['response'] as { status_code: number }).status_code === 500,
    )!;
    expect(serverError).toEqual({
      id: expect.stringMatching(/^batch_req_/),
      custom_id: expect.any(String),
      response: {
        status_code: 500,
        request_id: expect.stringMatching(/^[0-9a-f]{32}$/),
        body: {
          error: {
            message: 'The server had an error while processing your request. Sorry about that!',
            type: 'server_error',
            param: null,
            code: null,
          },
        },
      },
      error: null,
    });
    const invalidLine = errors.find(
      (line) => (line['response'] as { status_code: number }).status_code === 400,
    )!;
    expect(invalidLine).toMatchObject({
      response: { status_code: 400, body: { error: { type: 'invalid_request_error' } } },
      error: null,
    });

    const output = await downloadLines(entry.client, batch.output_file_id!);
    expect(output).toHaveLength(batch.request_counts!.completed);
    const billed = output.reduce(
      (sum, line) =>
        sum + (line['response'] as { body: { usage: { prompt_tokens: number } } }).body.usage.prompt_tokens,
      0,
    );
    expect(batch.usage!.input_tokens).toBe(billed);
  });

  it('replays the same faults with the same seed, and draws anew for a line retried in a new batch', async () => {
    const first = await failures(await instant({ ...faults, seed: 7 }), 500);
    const again = await failures(await instant({ ...faults, seed: 7 }), 500);
    expect(again.byStatus).toEqual(first.byStatus);

    const entry = served.at(-1)!;
    const retried = await failures(entry, 500);
    expect(retried.byStatus.get(500)).not.toEqual(first.byStatus.get(500));
  });
});
