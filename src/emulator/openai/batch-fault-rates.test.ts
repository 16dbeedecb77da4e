import { toFile } from 'openai';
import type { Batch } from 'openai/resources/batches';
import { afterEach, describe, expect, it } from 'vitest';
import { chatLine, type ServedEmulator, serveEmulator } from './batch-test-support.js';

/**
 * Batch-level faults at fractional rates: over many batches, each kind happens about as often as
 * configured, and looks the way it should.
 */
let served: ServedEmulator | undefined;
afterEach(async () => {
  await served?.emulator.close();
  served = undefined;
});

const batches = 120;

async function createBatches(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < count; index++) {
    const content = [chatLine(index * 2), chatLine(index * 2 + 1)].join('\n');
    const file = await served!.client.files.create({
      file: await toFile(Buffer.from(content), `batch-${index}.jsonl`),
      purpose: 'batch',
    });
    const batch = await served!.client.batches.create({
      input_file_id: file.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });
    ids.push(batch.id);
  }
  return ids;
}

async function settle(ids: string[]): Promise<Batch[]> {
  // The clock stands still during creation; a day and a half later every batch has ended.
  served!.emulator.clock.advance(36 * 3_600_000);
  return Promise.all(ids.map((id) => served!.client.batches.retrieve(id)));
}

describe('batch faults at their configured rates', () => {
  it('expires about `expire` of the batches, keeping finished lines and failing the rest as batch_expired', async () => {
    served = await serveEmulator({ clock: { scale: 0 }, faults: { batches: { expire: 0.25 } } });
    const ended = await settle(await createBatches(batches));
    const expired = ended.filter((batch) => batch.status === 'expired');
    // 120 draws at p = 0.25: the count stays within 15–45 far beyond four standard deviations.
    expect(expired.length).toBeGreaterThan(15);
    expect(expired.length).toBeLessThan(45);
    expect(ended.filter((batch) => batch.status === 'completed')).toHaveLength(batches - expired.length);
    const sample = expired[0]!;
    expect(sample.expired_at).not.toBeNull();
    expect(sample.error_file_id).toBeTruthy();
    const errors = (await (await served.client.files.content(sample.error_file_id!)).text())
      .trim()
      .split('\n');
    expect(JSON.parse(errors[0]!)).toMatchObject({ response: null, error: { code: 'batch_expired' } });
  });

  it('fails validation for about `failValidation` of the batches, with errors.data', async () => {
    served = await serveEmulator({ clock: { scale: 0 }, faults: { batches: { failValidation: 0.2 } } });
    const ended = await settle(await createBatches(batches));
    const failed = ended.filter((batch) => batch.status === 'failed');
    expect(failed.length).toBeGreaterThan(10);
    expect(failed.length).toBeLessThan(40);
    expect(failed[0]!.errors?.data?.[0]).toMatchObject({
      code: expect.any(String),
      message: expect.any(String),
    });
    expect(failed[0]!.output_file_id).toBeNull();
  });

  it('runs about `runLong` of the batches longFactor times longer, and they still complete', async () => {
    served = await serveEmulator({
      clock: { scale: 0 },
      timing: { minProcessingSeconds: 60, secondsPerRequest: 0 },
      faults: { batches: { runLong: 0.3, longRunFactor: 10 } },
    });
    const ended = await settle(await createBatches(batches));
    expect(ended.every((batch) => batch.status === 'completed')).toBe(true);
    const processing = ended.map((batch) => (batch.finalizing_at ?? 0) - (batch.in_progress_at ?? 0));
    const long = processing.filter((seconds) => seconds >= 600).length;
    const normal = processing.filter((seconds) => seconds < 120).length;
    expect(long + normal).toBe(batches);
    expect(long).toBeGreaterThan(20);
    expect(long).toBeLessThan(52);
  });
});
