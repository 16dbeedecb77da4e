import { appendFileSync, closeSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProviderAdapterV1 } from '../providers/provider.js';
import { getJob } from '../store/jobs.js';
import type { Store } from '../store/open-store.js';
import { testDatabases } from '../store/test-databases.js';
import { BodiesReader } from './bodies-file.js';
import { ingest } from './ingest.js';
import { bodiesPath } from './job-files.js';
import { parseProviderCustomId } from './pack.js';
import { runJob } from './run-job.js';
import {
  chatLine,
  createEngineHarness,
  dyingAtTransaction,
  type EngineHarness,
  openTestJob,
} from './test-harness.js';

/**
 * Request bodies live in the job's bodies file (batch/bodies-file.ts): a resumed ingest must write
 * over what a dead run synced but never committed, and a job ingested before the file existed
 * must still send the bodies it keeps in request_bodies. What reached the provider is read back
 * from the emulator's uploaded batch files. Run on SQLite and on Postgres.
 */

let harness: EngineHarness | undefined;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await harness?.dispose();
  harness = undefined;
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function engineOn(database: (typeof testDatabases)[number], emulator = {}): Promise<EngineHarness> {
  const created = await database.create();
  cleanups.push(created.dispose);
  return createEngineHarness({ clock: { instant: true }, ...emulator }, { databaseUrl: created.url });
}

/** The request bodies of every OpenAI batch file the emulator received, by input line. */
async function uploadedBodies(engine: EngineHarness): Promise<Map<number, unknown>> {
  const bodies = new Map<number, unknown>();
  for (const batch of engine.emulator.record.batches) {
    const answer = await engine.emulator.fetch(`http://emulator/v1/files/${batch.inputFileId}/content`, {
      headers: { authorization: 'Bearer sk-test' },
    });
    for (const text of (await answer.text()).split('\n').filter(Boolean)) {
      const line = JSON.parse(text) as { custom_id: string; body: unknown };
      const place = parseProviderCustomId(line.custom_id)!;
      expect(bodies.has(place.line)).toBe(false);
      bodies.set(place.line, line.body);
    }
  }
  return bodies;
}

/** Moves the bodies of `lines` into request_bodies, as a job ingested before the bodies file had them. */
async function makeOlder(
  store: Store,
  jobId: string,
  folder: string,
  lines: readonly number[],
): Promise<void> {
  const reader = new BodiesReader(folder);
  const places = new Map<number, { offset: number; bytes: number }>();
  for (const line of lines) {
    const row = await store.driver.get<{ body_offset: number; body_bytes: number }>(
      'SELECT body_offset, body_bytes FROM requests WHERE job_id = ? AND line = ?',
      [jobId, line],
    );
    const place = { offset: Number(row!.body_offset), bytes: Number(row!.body_bytes) };
    places.set(line, place);
    await store.driver.run('INSERT INTO request_bodies (job_id, line, body) VALUES (?, ?, ?)', [
      jobId,
      line,
      reader.read(place.offset, place.bytes),
    ]);
    await store.driver.run('UPDATE requests SET body_offset = NULL WHERE job_id = ? AND line = ?', [
      jobId,
      line,
    ]);
  }
  reader.close();
  // Their bytes in the file are made unreadable as JSON: a body read from there would show.
  const descriptor = openSync(bodiesPath(folder), 'r+');
  for (const place of places.values()) writeSync(descriptor, ' '.repeat(place.bytes), place.offset);
  closeSync(descriptor);
}

describe.each(testDatabases)('request bodies in the job file, on $name', (database) => {
  it('resumes an ingest that died between syncing its bodies and committing them', async () => {
    harness = await engineOn(database);
    const lines = Array.from({ length: 2500 }, (_, index) => chatLine(index + 1));
    // Past the first commit (2,000 lines): a duplicate custom_id is still told apart on resume.
    lines[2299] = { ...lines[2299]!, custom_id: 'ticket-5' };
    const { options, job, folder } = await openTestJob(harness, 'crash.jsonl', lines);

    // The second commit dies after its bodies were synced: the file holds more than the record says.
    await expect(ingest(dyingAtTransaction(harness.store.driver, 2), job, Date.now, folder)).rejects.toThrow(
      'simulated crash before the commit',
    );
    const committed = (await getJob(harness.store.driver, job.id))!;
    expect(committed.ingestLine).toBe(2000);
    expect(statSync(bodiesPath(folder)).size).toBeGreaterThan(committed.bodiesBytes);
    // A longer uncommitted tail than the resumed run writes: it must not survive past the new end.
    appendFileSync(bodiesPath(folder), `{"uncommitted":"${'x'.repeat(100_000)}"}`);

    const summary = await runJob(options, {
      store: harness.store,
      providers: harness.providers,
      settings: harness.settings,
    });
    expect(summary.resumed).toBe(true);
    expect(summary.accepted).toBe(2499);
    expect(summary.rejected).toBe(1);
    expect(summary.requests.succeeded).toBe(2499);
    const finished = (await getJob(harness.store.driver, job.id))!;
    expect(statSync(bodiesPath(folder)).size).toBe(finished.bodiesBytes);

    const uploaded = await uploadedBodies(harness);
    expect(uploaded.size).toBe(2499);
    expect(uploaded.has(2300)).toBe(false);
    for (const [line, body] of uploaded) expect(body).toEqual(lines[line - 1]!.body);
  });

  it.each([
    { older: 'every request', isOlder: (_line: number) => true },
    { older: 'every other request', isOlder: (line: number) => line % 2 === 1 },
  ])(
    'submits an older job ($older with its body in request_bodies) with the right bodies',
    async ({ isOlder }) => {
      harness = await engineOn(database);
      const lines = Array.from({ length: 40 }, (_, index) => chatLine(index + 1));
      const { options, job, folder } = await openTestJob(harness, 'older.jsonl', lines);
      await ingest(harness.store.driver, job, Date.now, folder);
      const olderLines = lines.map((_, index) => index + 1).filter(isOlder);
      await makeOlder(harness.store, job.id, folder, olderLines);
      if (olderLines.length === lines.length) rmSync(bodiesPath(folder));

      const summary = await runJob(options, {
        store: harness.store,
        providers: harness.providers,
        // A token limit makes packing count each body's tokens exactly, so it reads them too.
        settings: { ...harness.settings, enqueuedTokenLimits: { 'gpt-4o-mini': 1_000_000 } },
      });
      expect(summary.requests.succeeded).toBe(40);
      const uploaded = await uploadedBodies(harness);
      expect(uploaded.size).toBe(40);
      for (const [line, body] of uploaded) expect(body).toEqual(lines[line - 1]!.body);
    },
  );

  it('runs an older job past its deadline on the realtime lane with the right bodies', async () => {
    harness = await engineOn(database);
    const lines = Array.from({ length: 12 }, (_, index) => chatLine(index + 1));
    // Past before the run starts: every request goes to the realtime lane, none to a batch.
    const { options, job, folder } = await openTestJob(harness, 'older-urgent.jsonl', lines, {
      workload: 'triage',
      deadlineMs: 1,
    });
    await ingest(harness.store.driver, job, Date.now, folder);
    await makeOlder(harness.store, job.id, folder, [1, 2, 3, 7, 11]);

    const openai = harness.providers.openai!;
    const sent = new Map<string, unknown>();
    const recording: ProviderAdapterV1 = {
      ...openai,
      call: (request, callOptions) => {
        sent.set(request.customId, JSON.parse(request.body));
        return openai.call(request, callOptions);
      },
    };
    const summary = await runJob(options, {
      store: harness.store,
      providers: { ...harness.providers, openai: recording },
      settings: { ...harness.settings, deadlineReserveMs: 0 },
    });
    expect(summary.deadlineFallbacks).toBe(12);
    expect(harness.emulator.record.batches).toHaveLength(0);
    expect(sent.size).toBe(12);
    for (const line of lines) expect(sent.get(line.custom_id)).toEqual(line.body);
  });
});
