import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { NotFoundError, toFile } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import {
  batchEnded,
  batchInput,
  chatBody,
  createLaneHarness,
  type LaneHarness,
  openaiClient,
  until,
} from './test-support.js';

/**
 * `/v1/files` and `/v1/batches` through the official openai SDK, unchanged but for its base URL,
 * against a plain node:http server that hands every request to the async lane's `handle()`.
 */

let harness: LaneHarness | undefined;
afterEach(async () => {
  await harness?.dispose();
  harness = undefined;
});

const client = (team: string) => openaiClient(harness!.url, team);

describe('async lane: OpenAI-compatible files and batches', () => {
  it('runs an uploaded file through the engine into one merged output file and one error file', async () => {
    // Batches of at most 40 requests at the provider: one OpenAI batch here is several there.
    harness = await createLaneHarness({
      engine: {
        ...{ pollInitialMs: 5, pollMaxMs: 20, submitGraceMs: 0, progressIntervalMs: 0 },
        chunkMaxRequests: 40,
      },
    });
    const openai = client('team-a');
    const lines = `${batchInput(100)}${JSON.stringify({ custom_id: 'bad-line', method: 'POST', url: '/v1/chat/completions', body: { messages: [] } })}\n${JSON.stringify({ custom_id: 'unknown-model', method: 'POST', url: '/v1/chat/completions', body: { ...chatBody(0), model: 'gpt-no-such-model' } })}\n`;
    const file = await openai.files.create({
      file: await toFile(Buffer.from(lines), 'input.jsonl'),
      purpose: 'batch',
    });
    expect(file).toMatchObject({
      object: 'file',
      purpose: 'batch',
      filename: 'input.jsonl',
      bytes: Buffer.byteLength(lines),
      status: 'processed',
    });
    expect((await openai.files.retrieve(file.id)).id).toBe(file.id);
    expect(await (await openai.files.content(file.id)).text()).toBe(lines);

    const created = await openai.batches.create({
      input_file_id: file.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
      metadata: { workload: 'eval-suite', owner: 'qa' },
    });
    expect(created).toMatchObject({
      object: 'batch',
      status: 'validating',
      input_file_id: file.id,
      metadata: { workload: 'eval-suite', owner: 'qa' },
    });
    const batch = await batchEnded(openai, created.id);
    expect(batch.status).toBe('completed');
    expect(batch.request_counts).toEqual({ total: 102, completed: 100, failed: 2 });
    expect(batch.completed_at).toEqual(expect.any(Number));
    expect(batch.in_progress_at).toEqual(expect.any(Number));
    expect(harness.engine.emulator.record.batches.length).toBeGreaterThanOrEqual(3);

    const output = (await (await openai.files.content(batch.output_file_id!)).text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(output).toHaveLength(100);
    expect(new Set(output.map((line) => line.custom_id)).size).toBe(100);
    expect(output[0]).toMatchObject({
      id: expect.stringMatching(/^batch_req_/),
      custom_id: expect.stringMatching(/^task-/),
      response: { status_code: 200, request_id: expect.any(String), body: { object: 'chat.completion' } },
      error: null,
    });
    const errors = (await (await openai.files.content(batch.error_file_id!)).text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(errors.map((line) => line.custom_id).sort()).toEqual(['bad-line', 'unknown-model']);
    const rejected = errors.find((line) => line.custom_id === 'bad-line');
    expect(rejected).toMatchObject({
      response: null,
      error: { code: expect.any(String), message: expect.stringMatching(/model/) },
    });
    const refused = errors.find((line) => line.custom_id === 'unknown-model');
    expect(refused.response?.status_code ?? refused.error).toBeTruthy();

    const outputFile = await openai.files.retrieve(batch.output_file_id!);
    expect(outputFile.purpose).toBe('batch_output');
    const listed = await openai.batches.list();
    expect(listed.data.map((entry) => entry.id)).toEqual([created.id]);
    const files = await openai.files.list();
    expect(files.data.map((entry) => entry.id)).toContain(file.id);
    // The ledger counts the work under the batch's workload and team.
    const ledger = await harness.engine.store.driver.all<{ team: string; workload: string }>(
      'SELECT DISTINCT team, workload FROM ledger',
    );
    expect(ledger).toEqual([{ team: 'team-a', workload: 'eval-suite' }]);
    // On disk: the upload and the two merged files; the engine's own results and rejects are gone.
    expect(readdirSync(join(harness.lane.folder, 'files')).sort()).toEqual(
      [file.id, `${created.id}-errors.jsonl`, `${created.id}-output.jsonl`].sort(),
    );
  });

  it('keeps each team’s files and batches to itself', async () => {
    harness = await createLaneHarness();
    const mine = client('team-a');
    const theirs = client('team-b');
    const file = await mine.files.create({
      file: await toFile(Buffer.from(batchInput(2)), 'in.jsonl'),
      purpose: 'batch',
    });
    const batch = await mine.batches.create({
      input_file_id: file.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });
    await expect(theirs.files.retrieve(file.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(theirs.files.content(file.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(theirs.files.delete(file.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(theirs.batches.retrieve(batch.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(theirs.batches.cancel(batch.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      theirs.batches.create({
        input_file_id: file.id,
        endpoint: '/v1/chat/completions',
        completion_window: '24h',
      }),
    ).rejects.toMatchObject({ status: 400, param: 'input_file_id' });
    expect((await theirs.files.list()).data).toEqual([]);
    expect((await theirs.batches.list()).data).toEqual([]);
    expect((await client('admin').batches.retrieve(batch.id)).id).toBe(batch.id);
    await batchEnded(mine, batch.id);
    expect((await mine.files.delete(file.id)).deleted).toBe(true);
    await expect(mine.files.retrieve(file.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('cancels a running batch: finished lines kept, the rest cancelled', async () => {
    harness = await createLaneHarness({}, { clock: { scale: 0 } });
    const openai = client('team-a');
    const file = await openai.files.create({
      file: await toFile(Buffer.from(batchInput(10)), 'in.jsonl'),
      purpose: 'batch',
    });
    const batch = await openai.batches.create({
      input_file_id: file.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });
    await until(async () => (await openai.batches.retrieve(batch.id)).status === 'in_progress');
    await until(() => harness!.engine.emulator.record.batches.length === 1);
    const cancelling = await openai.batches.cancel(batch.id);
    expect(cancelling.status).toBe('cancelling');
    expect(cancelling.cancelling_at).toEqual(expect.any(Number));
    // The provider takes a while to cancel (emulated time stands still here until moved).
    await until(
      async () =>
        (await harness!.engine.store.driver.get<{ state: string }>('SELECT state FROM jobs'))?.state ===
        'cancelling',
    );
    harness.engine.emulator.clock.advance(15 * 60_000);
    const ended = await batchEnded(openai, batch.id);
    expect(ended.status).toBe('cancelled');
    // What the provider finished before the cancel reached it is kept; the rest ends cancelled.
    expect(ended.request_counts!.total).toBe(10);
    expect(ended.request_counts!.completed + ended.request_counts!.failed).toBe(10);
    await expect(openai.batches.cancel(batch.id)).rejects.toMatchObject({ status: 409 });
  });

  it('runs two batches over the same file once, and keeps the file while they run', async () => {
    harness = await createLaneHarness();
    const openai = client('team-a');
    const file = await openai.files.create({
      file: await toFile(Buffer.from(batchInput(20)), 'in.jsonl'),
      purpose: 'batch',
    });
    const create = () =>
      openai.batches.create({
        input_file_id: file.id,
        endpoint: '/v1/chat/completions',
        completion_window: '24h',
      });
    const [first, second] = await Promise.all([create(), create()]);
    await expect(openai.files.delete(file.id)).rejects.toMatchObject({ status: 409, code: 'file_in_use' });
    const ended = await Promise.all([batchEnded(openai, first!.id), batchEnded(openai, second!.id)]);
    expect(ended.map((batch) => batch.request_counts)).toEqual([
      { total: 20, completed: 20, failed: 0 },
      { total: 20, completed: 20, failed: 0 },
    ]);
    // One engine job, so each request reached the provider once.
    expect(harness.engine.emulator.record.batches.flatMap((batch) => batch.customIds)).toHaveLength(20);
    // A third batch over the same file, after both ended, is the same job again: its results come
    // from the job's files, without a provider batch.
    const third = await batchEnded(openai, (await create()).id);
    expect(third.status).toBe('completed');
    expect(third.request_counts).toEqual({ total: 20, completed: 20, failed: 0 });
    const output = await (await openai.files.content(third.output_file_id!)).text();
    expect(output.split('\n').filter(Boolean)).toHaveLength(20);
    expect(harness.engine.emulator.record.batches.flatMap((batch) => batch.customIds)).toHaveLength(20);
    expect((await openai.files.delete(file.id)).deleted).toBe(true);
  });

  it('refuses what OpenAI refuses: a non-batch purpose, a bad endpoint or window, too much metadata', async () => {
    harness = await createLaneHarness();
    const openai = client('team-a');
    await expect(
      openai.files.create({ file: await toFile(Buffer.from('x'), 'a.txt'), purpose: 'assistants' }),
    ).rejects.toMatchObject({ status: 400, param: 'purpose' });
    const file = await openai.files.create({
      file: await toFile(Buffer.from(batchInput(1)), 'in.jsonl'),
      purpose: 'batch',
    });
    const create = (body: Record<string, unknown>) =>
      openai.batches.create({
        input_file_id: file.id,
        endpoint: '/v1/chat/completions',
        completion_window: '24h',
        ...body,
      } as never);
    await expect(create({ endpoint: '/v1/images' })).rejects.toMatchObject({
      status: 400,
      param: 'endpoint',
    });
    await expect(create({ completion_window: '1h' })).rejects.toMatchObject({
      status: 400,
      param: 'completion_window',
    });
    const metadata = Object.fromEntries(Array.from({ length: 17 }, (_, index) => [`k${index}`, 'v']));
    await expect(create({ metadata })).rejects.toMatchObject({ status: 400, param: 'metadata' });
  });
});
