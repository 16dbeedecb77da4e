import { randomBytes } from 'node:crypto';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServedEmulator, serveEmulator } from './batch-test-support.js';

let served: ServedEmulator;
beforeAll(async () => {
  served = await serveEmulator({ clock: { instant: true }, limits: { openaiFileMaxBytes: 8 * 1024 * 1024 } });
});
afterAll(() => served.emulator.close());

const upload = async (content: Buffer | string, filename: string, purpose: OpenAI.FilePurpose = 'batch') =>
  served.client.files.create({ file: await toFile(Buffer.from(content), filename), purpose });

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as InstanceType<typeof OpenAI.APIError>,
  );

describe('POST /v1/files', () => {
  it('stores an upload and answers the File object', async () => {
    const before = served.emulator.record.files.length;
    const file = await upload('{"a":1}\n', 'requests.jsonl');
    expect(file).toEqual({
      id: expect.stringMatching(/^file-[A-Za-z0-9]{22}$/),
      object: 'file',
      bytes: 8,
      created_at: expect.any(Number),
      // Batch input files expire after 30 days unless told otherwise.
      expires_at: file.created_at + 30 * 24 * 3600,
      filename: 'requests.jsonl',
      purpose: 'batch',
      status: 'processed',
      status_details: null,
    });
    expect(served.emulator.record.files.slice(before)).toEqual([
      {
        id: file.id,
        purpose: 'batch',
        filename: 'requests.jsonl',
        bytes: 8,
        createdAt: expect.any(Number),
        deleted: false,
      },
    ]);
    const kept = await upload('notes', 'notes.txt', 'user_data');
    expect(kept.expires_at).toBeNull();
  });

  it('keeps a multi-megabyte upload byte for byte', async () => {
    const content = randomBytes(5 * 1024 * 1024 + 17);
    const file = await upload(content, 'blob.jsonl', 'user_data');
    expect(file.bytes).toBe(content.length);
    const downloaded = Buffer.from(await (await served.client.files.content(file.id)).arrayBuffer());
    expect(downloaded.equals(content)).toBe(true);
  });

  it('accepts uploads through the in-process fetch as well', async () => {
    const client = new OpenAI({
      baseURL: 'http://emulator/v1',
      apiKey: 'sk-test',
      fetch: served.emulator.fetch,
    });
    const file = await client.files.create({
      file: await toFile(Buffer.from('{}\n'), 'x.jsonl'),
      purpose: 'batch',
    });
    expect(await (await served.client.files.content(file.id)).text()).toBe('{}\n');
  });

  it('honours expires_after', async () => {
    const file = await served.client.files.create({
      file: await toFile(Buffer.from('x'), 'x.txt'),
      purpose: 'user_data',
      expires_after: { anchor: 'created_at', seconds: 7200 },
    });
    expect(file.expires_at).toBe(file.created_at + 7200);
    const error = await failure(
      served.client.files.create({
        file: await toFile(Buffer.from('x'), 'x.txt'),
        purpose: 'user_data',
        expires_after: { anchor: 'created_at', seconds: 60 },
      }),
    );
    expect(error).toMatchObject({
      status: 400,
      param: 'expires_after.seconds',
      code: 'integer_below_min_value',
    });
  });

  it('refuses what OpenAI refuses, in its words', async () => {
    const notJsonl = await failure(upload('{}', 'requests.json'));
    expect(notJsonl).toMatchObject({ status: 400, param: null, code: null });
    expect(notJsonl?.error).toMatchObject({ message: 'Invalid file format for Batch API. Must be .jsonl' });

    const badPurpose = await failure(upload('{}', 'x.jsonl', 'training' as OpenAI.FilePurpose));
    expect(badPurpose).toMatchObject({ status: 400, param: 'purpose', code: 'invalid_value' });

    const tooLarge = await failure(upload(Buffer.alloc(8 * 1024 * 1024 + 1), 'big.jsonl'));
    expect(tooLarge).toMatchObject({ status: 413, param: 'file' });

    const noFile = await fetch(`${served.url}/v1/files`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-test' },
      body: (() => {
        const form = new FormData();
        form.append('purpose', 'batch');
        return form;
      })(),
    });
    expect(noFile.status).toBe(400);
    expect(((await noFile.json()) as { error: unknown }).error).toMatchObject({
      param: 'file',
      code: 'missing_required_parameter',
    });
  });
});

describe('reading and deleting files', () => {
  it('lists with a purpose filter, order, limit and after', async () => {
    const own = await serveEmulator();
    try {
      const ids: string[] = [];
      for (let index = 0; index < 4; index++) {
        const purpose = index % 2 === 0 ? 'batch' : 'user_data';
        const file = await own.client.files.create({
          file: await toFile(Buffer.from(`{"n":${index}}`), `f${index}.jsonl`),
          purpose,
        });
        ids.push(file.id);
      }
      const newest = await own.client.files.list();
      expect(newest.data.map((file) => file.id)).toEqual(ids.slice().reverse());
      const batchOnly = await own.client.files.list({ purpose: 'batch', order: 'asc' });
      expect(batchOnly.data.map((file) => file.id)).toEqual([ids[0], ids[2]]);
      const page = await own.client.files.list({ order: 'asc', limit: 2, after: ids[0] });
      expect(page.data.map((file) => file.id)).toEqual([ids[1], ids[2]]);
      expect(page.has_more).toBe(true);
    } finally {
      await own.emulator.close();
    }
  });

  it('retrieves, serves the raw bytes, deletes, and then knows the file no more', async () => {
    const content = Buffer.from('{"text":"naïve café ☕"}\n');
    const file = await upload(content, 'données ☕.jsonl');
    expect(file.filename).toBe('données ☕.jsonl');
    expect(await served.client.files.retrieve(file.id)).toEqual(file);
    const response = await served.client.files.content(file.id);
    expect(Buffer.from(await response.arrayBuffer()).equals(content)).toBe(true);

    expect(await served.client.files.delete(file.id)).toEqual({ id: file.id, object: 'file', deleted: true });
    const gone = await failure(served.client.files.retrieve(file.id));
    expect(gone).toMatchObject({ status: 404, param: 'id' });
    expect(gone?.error).toMatchObject({ message: `No such File object: ${file.id}` });
    expect(await failure(served.client.files.content(file.id))).toMatchObject({ status: 404 });
    expect(await failure(served.client.files.delete(file.id))).toMatchObject({ status: 404 });
    expect(served.emulator.record.files.find((entry) => entry.id === file.id)?.deleted).toBe(true);
  });
});
