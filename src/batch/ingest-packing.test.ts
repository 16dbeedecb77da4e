import { afterEach, describe, expect, it } from 'vitest';
import { testDatabases } from '../store/test-databases.js';
import { ingest } from './ingest.js';
import { defaultEngineSettings } from './job-options.js';
import { IngestPacker, parseProviderCustomId } from './pack.js';
import { runJob } from './run-job.js';
import {
  chatLine,
  createEngineHarness,
  dyingAtTransaction,
  type EngineHarness,
  embeddingLine,
  openTestJob,
} from './test-harness.js';

/**
 * Ingest packs requests into chunks as it reads them (IngestPacker): requests are stored `queued`
 * in their chunk, a chunk is `filling` until full or until the input ends, and a resumed ingest
 * goes on filling the chunk an earlier run left `filling`. Run on SQLite and on Postgres.
 */

let harness: EngineHarness | undefined;
let dispose: (() => Promise<void>) | undefined;
afterEach(async () => {
  await harness?.dispose();
  harness = undefined;
  await dispose?.();
  dispose = undefined;
});

describe.each(testDatabases)('packing at ingest, on $name', (database) => {
  it('stores requests queued in chunks as it reads them, and a resumed ingest fills the chunk left filling', async () => {
    const created = await database.create();
    dispose = created.dispose;
    harness = await createEngineHarness({ clock: { instant: true } }, { databaseUrl: created.url });
    const settings = { ...defaultEngineSettings, ...harness.settings, chunkMaxRequests: 700 };
    const lines: Array<Record<string, unknown>> = Array.from({ length: 2500 }, (_, index) =>
      index % 10 === 9 ? embeddingLine(index + 1) : chatLine(index + 1),
    );
    // Duplicate custom_ids: one before the crash, one after it in the chat chunk left filling.
    lines[1498] = { ...lines[1498]!, custom_id: lines[1400]!['custom_id'] };
    lines[2298] = { ...lines[2298]!, custom_id: lines[2200]!['custom_id'] };
    const { options, job, folder } = await openTestJob(harness, 'packing.jsonl', lines);
    const { driver } = harness.store;

    // The second commit (lines 2,001–2,500) dies: the first 2,000 lines are in, one chunk per
    // group still filling.
    const packer = await IngestPacker.open(driver, job.id, harness.providers, settings);
    await expect(ingest(dyingAtTransaction(driver, 2), job, Date.now, folder, packer)).rejects.toThrow(
      'simulated crash before the commit',
    );
    const states = await driver.all<{ state: string; count: number }>(
      'SELECT state, COUNT(*) AS count FROM requests GROUP BY state ORDER BY state',
    );
    expect(states.map((row) => [row.state, Number(row.count)])).toEqual([['queued', 1999]]);
    const filling = await driver.all<{ id: string; endpoint: string }>(
      "SELECT id, endpoint FROM chunks WHERE state = 'filling' ORDER BY endpoint",
    );
    expect(filling.map((chunk) => chunk.endpoint)).toEqual(['/v1/chat/completions', '/v1/embeddings']);

    const summary = await runJob(options, { store: harness.store, providers: harness.providers, settings });
    expect(summary.resumed).toBe(true);
    expect(summary.accepted).toBe(2498);
    expect(summary.requests.succeeded).toBe(2498);
    // Chat lines: 2,250, a chunk per 700 read, less a duplicate in the second and the third (the
    // one left filling); embeddings: 250 in one chunk.
    const chunks = await driver.all<{ id: string; state: string; request_count: number }>(
      'SELECT id, state, request_count FROM chunks ORDER BY sequence',
    );
    expect(chunks.map((chunk) => chunk.state)).toEqual(Array(chunks.length).fill('harvested'));
    // The chunks left filling were filled on, not replaced.
    for (const chunk of filling) expect(chunks.map((each) => each.id)).toContain(chunk.id);
    const counts = await driver.all<{ chunk_id: string; count: number }>(
      'SELECT chunk_id, COUNT(*) AS count FROM requests GROUP BY chunk_id',
    );
    const held = new Map(counts.map((row) => [row.chunk_id, Number(row.count)]));
    for (const chunk of chunks) {
      // Exactly the requests the store holds in it (duplicates refused are not counted).
      expect(Number(chunk.request_count)).toBe(held.get(chunk.id));
      expect(Number(chunk.request_count)).toBeLessThanOrEqual(700);
    }
    expect(chunks.map((chunk) => Number(chunk.request_count)).sort((a, b) => a - b)).toEqual([
      150, 250, 699, 699, 700,
    ]);
    // Each chunk went to the provider once, as one batch of exactly its requests.
    const batches = harness.emulator.record.batches;
    expect(batches).toHaveLength(chunks.length);
    for (const batch of batches) {
      const chunkIds = new Set(batch.customIds.map((customId) => parseProviderCustomId(customId)!.chunkId));
      expect(chunkIds.size).toBe(1);
      expect(batch.customIds.length).toBe(held.get([...chunkIds][0]!));
    }
  });

  it('leaves a model with an enqueued-token limit to be packed by exact counts after ingest', async () => {
    const created = await database.create();
    dispose = created.dispose;
    harness = await createEngineHarness({ clock: { instant: true } }, { databaseUrl: created.url });
    const settings = {
      ...defaultEngineSettings,
      ...harness.settings,
      enqueuedTokenLimits: { 'gpt-4o-mini': 1_000_000 },
    };
    const lines = [...Array.from({ length: 20 }, (_, index) => chatLine(index + 1)), embeddingLine(21)];
    const { options, job, folder } = await openTestJob(harness, 'limited.jsonl', lines);
    const packer = await IngestPacker.open(harness.store.driver, job.id, harness.providers, settings);
    await ingest(harness.store.driver, job, Date.now, folder, packer);
    const rows = await harness.store.driver.all<{ model: string; state: string }>(
      'SELECT DISTINCT model, state FROM requests ORDER BY model',
    );
    expect(rows).toEqual([
      { model: 'gpt-4o-mini', state: 'pending' },
      { model: 'text-embedding-3-small', state: 'queued' },
    ]);
    const summary = await runJob(options, { store: harness.store, providers: harness.providers, settings });
    expect(summary.requests.succeeded).toBe(21);
  });
});
