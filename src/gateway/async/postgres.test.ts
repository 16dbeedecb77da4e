import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../store/test-databases.js';
import { countAsyncRequests } from './request-records.js';
import { chatBody, createLaneHarness, type LaneHarness, submission, until } from './test-support.js';

/**
 * The same lane on Postgres (the backend when several gateway processes share the work): group
 * commit, flushing, results and the restart path, with BIGINT columns coming back as text.
 */
const postgres = testDatabases.find((database) => database.name === 'postgres');

describe.skipIf(!postgres)('async lane on Postgres', () => {
  let database: Awaited<ReturnType<NonNullable<typeof postgres>['create']>>;
  let harness: LaneHarness;

  beforeAll(async () => {
    database = await postgres!.create();
    harness = await createLaneHarness(
      // The webhook receiver below listens on 127.0.0.1.
      { flush: { checkIntervalMs: 60_000, maxAgeMs: 60_000 }, allowPrivateWebhooks: true },
      undefined,
      { databaseUrl: database.url },
    );
  });

  afterAll(async () => {
    await harness?.dispose();
    await database?.dispose();
  });

  it('commits concurrent accepts in groups, runs them, and serves the results', async () => {
    const accepted = await Promise.all(
      Array.from({ length: 300 }, (_, index) =>
        harness.lane.accept(submission(index % 2 ? 'team-a' : 'team-b', chatBody(index))),
      ),
    );
    const { driver } = harness.engine.store;
    expect((await countAsyncRequests(driver)).queued).toBe(300);
    await harness.lane.flush(true);
    await harness.lane.settled();
    expect(await countAsyncRequests(driver)).toEqual({
      queued: 0,
      in_progress: 0,
      completed: 300,
      failed: 0,
    });
    expect(await countAsyncRequests(driver, 'team-a')).toMatchObject({ completed: 150 });
    const answer = await fetch(`${harness.url}/v1/spendwall/requests/${accepted[1]!.id}`, {
      headers: { authorization: 'Bearer team-a' },
    });
    expect(answer.status).toBe(200);
    expect(Number(answer.headers.get('x-spendwall-cost-usd'))).toBeGreaterThan(0);
    const hidden = await fetch(`${harness.url}/v1/spendwall/requests/${accepted[1]!.id}`, {
      headers: { authorization: 'Bearer team-b' },
    });
    expect(hidden.status).toBe(404);
    const teams = await driver.all<{ team: string }>('SELECT DISTINCT team FROM ledger ORDER BY team');
    expect(teams.map((row) => row.team)).toEqual(['team-a', 'team-b']);
    // One engine job per flush (team × workload × provider × model), one provider batch each.
    expect(harness.engine.emulator.record.batches).toHaveLength(2);
  });

  it('delivers a webhook and records it, with BIGINT times coming back as text', async () => {
    const received: string[] = [];
    const receiver = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        received.push(String(request.headers['webhook-id']));
        response.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      const { id } = await harness.lane.accept(submission('team-a', chatBody(1), { webhookUrl: hook }));
      await harness.lane.flush(true);
      await harness.lane.settled();
      const { driver } = harness.engine.store;
      await until(async () => {
        const row = await driver.get<{ webhook_state: string }>(
          'SELECT webhook_state FROM async_requests WHERE id = ?',
          [id],
        );
        return row?.webhook_state === 'delivered';
      });
      expect(received).toEqual([`evt_${id}`]);
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});
