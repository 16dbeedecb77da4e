import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../store/open-store.js';
import { testDatabases } from '../../store/test-databases.js';
import { type AsyncLaneRunner, createAsyncLane } from './lane.js';
import { countAsyncRequests } from './request-records.js';
import { chatBody, createLaneHarness, type LaneHarness, submission } from './test-support.js';

/**
 * Two gateways sharing one Postgres database, as two processes behind a load balancer would:
 * each with its own connection, home folder and flusher, both accepting and both flushing at the
 * same time. Every request must run exactly once: claimed by one flush only, sent in one provider
 * batch only.
 */
const postgres = testDatabases.find((database) => database.name === 'postgres');

describe.skipIf(!postgres)('two async lanes on one Postgres database', () => {
  let database: Awaited<ReturnType<NonNullable<typeof postgres>['create']>> | undefined;
  let harness: LaneHarness | undefined;
  let second: { lane: AsyncLaneRunner; store: Store; folder: string } | undefined;

  afterAll(async () => {
    await second?.lane.close();
    await second?.store.close();
    if (second) rmSync(second.folder, { recursive: true, force: true });
    await harness?.dispose();
    await database?.dispose();
  });

  it('runs every request once when both accept and both flush at the same time', async () => {
    database = await postgres!.create();
    const idle = { flush: { checkIntervalMs: 60_000, maxAgeMs: 60_000 } };
    harness = await createLaneHarness(idle, undefined, { databaseUrl: database.url });
    const folder = mkdtempSync(join(tmpdir(), 'spendwall-second-gateway-'));
    const store = await openStore({ databaseUrl: database.url, home: folder });
    second = {
      folder,
      store,
      lane: await createAsyncLane({
        store,
        providers: harness.engine.providers,
        home: folder,
        engine: harness.engine.settings,
        ...idle,
        webhooks: { secret: undefined },
      }),
    };
    const lanes = [harness.lane, second.lane];
    const perLane = 150;
    await Promise.all(
      lanes.flatMap((lane, which) =>
        Array.from({ length: perLane }, (_, index) =>
          lane.accept(submission(index % 2 ? 'team-a' : 'team-b', chatBody(which * perLane + index))),
        ),
      ),
    );
    const total = lanes.length * perLane;

    // Both look at the same queue at once, twice over, then wait for what they started.
    await Promise.all([...lanes, ...lanes].map((lane) => lane.flush(true)));
    await Promise.all(lanes.map((lane) => lane.settled()));

    const { driver } = harness.engine.store;
    expect(await countAsyncRequests(driver)).toEqual({
      queued: 0,
      in_progress: 0,
      completed: total,
      failed: 0,
    });
    const claimed = await driver.get<{ requests: number }>(
      'SELECT SUM(request_count) AS requests FROM async_flushes',
    );
    expect(Number(claimed?.requests)).toBe(total);
    const sent = harness.engine.emulator.record.batches.reduce((sum, batch) => sum + batch.requestCount, 0);
    expect(sent).toBe(total);
    const ledger = await driver.get<{ rows: number }>('SELECT COUNT(*) AS rows FROM ledger');
    expect(Number(ledger?.rows)).toBe(total);
  });
});
