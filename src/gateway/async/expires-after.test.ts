import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BadRequestError, NotFoundError, toFile } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import type { EmulatorOptions } from '../../emulator/index.js';
import { createFileSweeper } from './file-expiry.js';
import {
  batchEnded,
  batchInput,
  createLaneHarness,
  type LaneHarness,
  openaiClient,
  until,
} from './test-support.js';

/**
 * File expiry through the official openai SDK: `expires_after` on uploads (30 days by default for
 * `purpose=batch`), `output_expires_after` on batches, expired files gone from every route at
 * once, and the sweep that removes their bytes. The gateway's clock is real time plus `skip`.
 */

let harness: LaneHarness | undefined;
let skip = 0;
afterEach(async () => {
  await harness?.dispose();
  harness = undefined;
  skip = 0;
});

const hour = 3600;
const day = 24 * hour;
const now = () => Date.now() + skip;

async function start(emulatorOptions?: EmulatorOptions) {
  harness = await createLaneHarness({ now }, emulatorOptions);
  return openaiClient(harness.url, 'team-a');
}

const sweeper = () => createFileSweeper({ driver: harness!.engine.store.driver, now });
const pathOf = (id: string) => join(harness!.lane.folder, 'files', id);
const stateOf = async (id: string) =>
  (
    await harness!.engine.store.driver.get<{ state: string }>('SELECT state FROM async_files WHERE id = ?', [
      id,
    ])
  )?.state;

describe('async lane: files expire the way OpenAI’s do', () => {
  it('sets expires_at from expires_after, 30 days by default, and refuses a lifetime outside 1 h to 30 days', async () => {
    const openai = await start();
    const input = () => toFile(Buffer.from(batchInput(1)), 'in.jsonl');
    // The SDK sends the fields after the file part here…
    const hourLong = await openai.files.create({
      file: await input(),
      purpose: 'batch',
      expires_after: { anchor: 'created_at', seconds: hour },
    });
    expect(hourLong.expires_at).toBe(hourLong.created_at + hour);
    expect((await openai.files.retrieve(hourLong.id)).expires_at).toBe(hourLong.created_at + hour);
    // …and before it here.
    const longest = await openai.files.create({
      expires_after: { anchor: 'created_at', seconds: 30 * day },
      purpose: 'batch',
      file: await input(),
    });
    expect(longest.expires_at).toBe(longest.created_at + 30 * day);
    const unset = await openai.files.create({ file: await input(), purpose: 'batch' });
    expect(unset.expires_at).toBe(unset.created_at + 30 * day);
    expect((await openai.files.list()).data.find((file) => file.id === unset.id)?.expires_at).toBe(
      unset.created_at + 30 * day,
    );

    const refusal = (expires_after: unknown) =>
      input()
        .then((file) => openai.files.create({ file, purpose: 'batch', expires_after } as never))
        .catch((error: unknown) => error);
    const tooShort = await refusal({ anchor: 'created_at', seconds: 10 });
    expect(tooShort).toBeInstanceOf(BadRequestError);
    expect(tooShort).toMatchObject({ param: 'expires_after.seconds', code: 'invalid_value' });
    expect((tooShort as BadRequestError).message).toMatch(/3600.*2592000/);
    expect(await refusal({ anchor: 'created_at', seconds: 30 * day + 1 })).toMatchObject({
      status: 400,
      param: 'expires_after.seconds',
    });
    expect(await refusal({ anchor: 'created_at', seconds: 'soon' })).toMatchObject({
      status: 400,
      param: 'expires_after.seconds',
    });
    expect(await refusal({ anchor: 'last_active_at', seconds: hour })).toMatchObject({
      status: 400,
      param: 'expires_after.anchor',
    });
    expect(await refusal({ seconds: hour })).toMatchObject({ status: 400, param: 'expires_after.anchor' });
    // A refused upload leaves nothing on disk.
    expect(readdirSync(join(harness!.lane.folder, 'files')).sort()).toEqual(
      [hourLong.id, longest.id, unset.id].sort(),
    );
  });

  it('hides an expired file from every route at once; the sweep marks it deleted and removes its bytes', async () => {
    const openai = await start();
    const expiring = await openai.files.create({
      file: await toFile(Buffer.from(batchInput(2)), 'in.jsonl'),
      purpose: 'batch',
      expires_after: { anchor: 'created_at', seconds: hour },
    });
    const kept = await openai.files.create({
      file: await toFile(Buffer.from(batchInput(2)), 'kept.jsonl'),
      purpose: 'batch',
    });
    expect(await sweeper().sweep()).toBe(0);
    skip = hour * 1000 - 2000;
    expect((await openai.files.retrieve(expiring.id)).id).toBe(expiring.id);

    skip = hour * 1000 + 1000;
    await expect(openai.files.retrieve(expiring.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(openai.files.content(expiring.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(openai.files.delete(expiring.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await openai.files.list()).data.map((file) => file.id)).toEqual([kept.id]);
    await expect(
      openai.batches.create({
        input_file_id: expiring.id,
        endpoint: '/v1/chat/completions',
        completion_window: '24h',
      }),
    ).rejects.toMatchObject({ status: 400, param: 'input_file_id' });
    // Hidden, but not yet swept.
    expect(existsSync(pathOf(expiring.id))).toBe(true);
    expect(await stateOf(expiring.id)).toBe('stored');

    expect(await sweeper().sweep()).toBe(1);
    expect(existsSync(pathOf(expiring.id))).toBe(false);
    expect(await stateOf(expiring.id)).toBe('deleted');
    expect(existsSync(pathOf(kept.id))).toBe(true);
    expect((await openai.files.retrieve(kept.id)).id).toBe(kept.id);
    expect(await sweeper().sweep()).toBe(0);
  });

  it('keeps an expired input file while its batch runs, and sweeps it once the batch has ended', async () => {
    // Emulated provider time stands still: the batch stays in progress until the test moves it.
    const openai = await start({ clock: { scale: 0 } });
    const file = await openai.files.create({
      file: await toFile(Buffer.from(batchInput(3)), 'in.jsonl'),
      purpose: 'batch',
      expires_after: { anchor: 'created_at', seconds: hour },
    });
    const batch = await openai.batches.create({
      input_file_id: file.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });
    await until(async () => (await openai.batches.retrieve(batch.id)).status === 'in_progress');
    await until(() => harness!.engine.emulator.record.batches.length === 1);

    skip = hour * 1000 + 1000;
    expect((await openai.files.retrieve(file.id)).id).toBe(file.id);
    expect(await sweeper().sweep()).toBe(0);
    expect(existsSync(pathOf(file.id))).toBe(true);

    await openai.batches.cancel(batch.id);
    harness!.engine.emulator.clock.advance(15 * 60_000);
    expect((await batchEnded(openai, batch.id)).status).toBe('cancelled');
    await expect(openai.files.retrieve(file.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await sweeper().sweep()).toBe(1);
    expect(existsSync(pathOf(file.id))).toBe(false);
  });

  it('gives a batch’s output and error files the lifetime output_expires_after names, and none without it', async () => {
    const openai = await start();
    const lines = `${batchInput(3)}${JSON.stringify({ custom_id: 'bad-line', method: 'POST', url: '/v1/chat/completions', body: { messages: [] } })}\n`;
    const upload = async (name: string) =>
      openai.files.create({ file: await toFile(Buffer.from(lines), name), purpose: 'batch' });
    const create = async (extra: Record<string, unknown>, workload: string) =>
      openai.batches.create({
        input_file_id: (await upload(`${workload}.jsonl`)).id,
        endpoint: '/v1/chat/completions',
        completion_window: '24h',
        metadata: { workload },
        ...extra,
      });

    const expiring = await batchEnded(
      openai,
      (await create({ output_expires_after: { anchor: 'created_at', seconds: 2 * hour } }, 'expiring')).id,
    );
    const persistent = await batchEnded(openai, (await create({}, 'persistent')).id);
    const outputs = async (batch: typeof expiring) => [
      await openai.files.retrieve(batch.output_file_id!),
      await openai.files.retrieve(batch.error_file_id!),
    ];
    for (const file of await outputs(expiring)) {
      expect(file.purpose).toBe('batch_output');
      expect(file.expires_at).toBe(file.created_at + 2 * hour);
    }
    for (const file of await outputs(persistent)) expect(file.expires_at).toBeNull();

    await expect(
      create({ output_expires_after: { anchor: 'created_at', seconds: 10 } }, 'refused'),
    ).rejects.toMatchObject({ status: 400, param: 'output_expires_after.seconds' });
    await expect(
      create({ output_expires_after: { anchor: 'completed_at', seconds: hour } }, 'refused'),
    ).rejects.toMatchObject({ status: 400, param: 'output_expires_after.anchor' });

    // Two hours on, only the first batch's output and error files go; the inputs have 30 days.
    skip = 2 * hour * 1000 + 1000;
    expect(await sweeper().sweep()).toBe(2);
    await expect(openai.files.retrieve(expiring.output_file_id!)).rejects.toBeInstanceOf(NotFoundError);
    expect(existsSync(pathOf(`${expiring.id}-output.jsonl`))).toBe(false);
    expect(existsSync(pathOf(`${expiring.id}-errors.jsonl`))).toBe(false);
    expect((await openai.files.retrieve(persistent.output_file_id!)).id).toBe(persistent.output_file_id);
  });
});
