import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { getAsyncRequest } from './request-records.js';
import { chatBody, createLaneHarness, type LaneHarness, submission, until } from './test-support.js';

let harness: LaneHarness | undefined;
afterEach(async () => {
  await harness?.dispose();
  harness = undefined;
});

async function get(path: string, team: string) {
  const response = await fetch(`${harness!.url}${path}`, { headers: { authorization: `Bearer ${team}` } });
  return {
    status: response.status,
    headers: response.headers,
    // biome-ignore lint/suspicious/noExplicitAny: the test reads answers of several shapes
    body: (await response.json()) as Record<string, any>,
  };
}

describe('async lane: acceptance, flushing and polling', () => {
  it('commits a request before accept() resolves, with everything needed to run it after a crash', async () => {
    harness = await createLaneHarness();
    const { id } = await harness.lane.accept(
      submission('team-a', chatBody(1), {
        deadlineMs: 6 * 3_600_000,
        webhookUrl: 'https://example.com/hook',
      }),
    );
    const row = await harness.engine.store.driver.get<Record<string, unknown>>(
      'SELECT * FROM async_requests WHERE id = ?',
      [id],
    );
    expect(row).toMatchObject({
      id,
      team: 'team-a',
      workload: 'nightly-classify',
      provider: 'openai',
      endpoint: '/v1/chat/completions',
      model: 'gpt-4o-mini',
      state: 'queued',
      webhook_url: 'https://example.com/hook',
      body: JSON.stringify(chatBody(1)),
    });
    expect(Number(row!['deadline_at']) - Number(row!['created_at'])).toBe(6 * 3_600_000);
  });

  it('answers 202 with Retry-After while pending, then the provider body with lane and cost', async () => {
    harness = await createLaneHarness();
    const { id } = await harness.lane.accept(submission('team-a', chatBody(1)));
    const pending = await get(`/v1/spendwall/requests/${id}`, 'team-a');
    expect(pending.status).toBe(202);
    expect(pending.headers.get('retry-after')).toBe('1');
    expect(pending.body).toMatchObject({ id, status: 'queued', lane: 'batch', workload: 'nightly-classify' });
    expect(pending.body['created_at']).toEqual(expect.any(Number));

    await harness.lane.flush(true);
    await harness.lane.settled();
    const done = await get(`/v1/spendwall/requests/${id}`, 'team-a');
    expect(done.status).toBe(200);
    expect(done.headers.get('x-spendwall-lane')).toBe('batch');
    expect(Number(done.headers.get('x-spendwall-cost-usd'))).toBeGreaterThan(0);
    expect(done.body).toMatchObject({
      object: 'chat.completion',
      model: expect.stringMatching(/^gpt-4o-mini/),
    });
    expect(done.body['choices'][0].message.content).toEqual(expect.any(String));

    // The ledger rows the engine wrote carry the team.
    const ledger = await harness.engine.store.driver.all<{ team: string }>('SELECT team FROM ledger');
    expect(ledger.map((row) => row.team)).toEqual(['team-a']);
    // The engine's job files (bodies, the batch's results) went with the flush's: all is in the store.
    expect(readdirSync(join(harness.engine.store.home, 'jobs'))).toEqual([]);
  });

  it('answers other teams 404, as for an id that does not exist; the admin sees everything', async () => {
    harness = await createLaneHarness();
    const { id } = await harness.lane.accept(submission('team-a', chatBody(1)));
    const other = await get(`/v1/spendwall/requests/${id}`, 'team-b');
    const missing = await get('/v1/spendwall/requests/areq_nope', 'team-b');
    expect(other.status).toBe(404);
    expect(other.body).toEqual({
      ...missing.body,
      error: { ...missing.body['error'], message: expect.any(String) },
    });
    expect(other.body['error'].message).toBe(`No such request: ${id}`);
    expect((await get(`/v1/spendwall/requests/${id}`, 'admin')).status).toBe(202);
    expect((await get('/v1/spendwall/requests', 'team-b')).body['data']).toEqual([]);
    expect((await get('/v1/spendwall/requests', 'admin')).body['data']).toHaveLength(1);
  });

  it('lists the team’s requests by status, newest first, with cursor paging', async () => {
    harness = await createLaneHarness();
    const ids: string[] = [];
    for (let index = 0; index < 5; index++) {
      ids.push((await harness.lane.accept(submission('team-a', chatBody(index)))).id);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await harness.lane.accept(submission('team-b', chatBody(9)));
    const first = await get('/v1/spendwall/requests?status=queued&limit=3', 'team-a');
    expect(first.body['data'].map((entry: { id: string }) => entry.id)).toEqual(ids.slice(2).reverse());
    expect(first.body['has_more']).toBe(true);
    const second = await get(
      `/v1/spendwall/requests?status=queued&limit=3&after=${first.body['last_id']}`,
      'team-a',
    );
    expect(second.body['data'].map((entry: { id: string }) => entry.id)).toEqual(ids.slice(0, 2).reverse());
    expect(second.body['has_more']).toBe(false);
    expect((await get('/v1/spendwall/requests?status=completed', 'team-a')).body['data']).toEqual([]);
    expect((await get('/v1/spendwall/requests?status=bogus', 'team-a')).status).toBe(400);
  });

  it('ends a request the provider refuses as failed, with the provider’s error answer', async () => {
    harness = await createLaneHarness();
    const { id } = await harness.lane.accept(
      submission('team-a', { ...chatBody(1), model: 'gpt-no-such-model' }),
    );
    await harness.lane.flush(true);
    await harness.lane.settled();
    const failed = await get(`/v1/spendwall/requests/${id}`, 'team-a');
    expect(failed.status).toBeGreaterThanOrEqual(400);
    expect(failed.body['error']).toMatchObject({ message: expect.any(String) });
    expect((await getAsyncRequest(harness.engine.store.driver, id))?.state).toBe('failed');
  });

  it('flushes by size, by age and by deadline pressure, one flush per team, workload, provider and model', async () => {
    harness = await createLaneHarness({
      flush: { maxPending: 3, maxAgeMs: 150, deadlineReserveMs: 3_600_000, checkIntervalMs: 10 },
    });
    const { driver } = harness.engine.store;
    const flushOf = async (id: string) => (await getAsyncRequest(driver, id))?.flush_id ?? null;
    // Size: three of one group go at once; a lone request of another team waits.
    const sized = await Promise.all(
      [1, 2, 3].map((index) => harness!.lane.accept(submission('team-a', chatBody(index)))),
    );
    const lone = await harness.lane.accept(submission('team-b', chatBody(4)));
    await until(async () => (await flushOf(sized[2]!.id)) !== null);
    const sizedFlushes = new Set(await Promise.all(sized.map((entry) => flushOf(entry.id))));
    expect(sizedFlushes.size).toBe(1);
    const [flush] = await driver.all<{ reason: string; request_count: number }>(
      'SELECT reason, request_count FROM async_flushes WHERE id = ?',
      [[...sizedFlushes][0]!],
    );
    expect({ ...flush, request_count: Number(flush!.request_count) }).toEqual({
      reason: 'size',
      request_count: 3,
    });
    expect(await flushOf(lone.id)).toBeNull();
    // Age: the lone one goes once it has waited 150 ms.
    await until(async () => (await flushOf(lone.id)) !== null);
    expect(
      (
        await driver.get<{ reason: string }>('SELECT reason FROM async_flushes WHERE id = ?', [
          (await flushOf(lone.id))!,
        ])
      )?.reason,
    ).toBe('age');
    // Deadline: a request due in 30 minutes goes at once, alone.
    const urgent = await harness.lane.accept(submission('team-c', chatBody(5), { deadlineMs: 30 * 60_000 }));
    await until(async () => (await flushOf(urgent.id)) !== null);
    expect(
      (
        await driver.get<{ reason: string }>('SELECT reason FROM async_flushes WHERE id = ?', [
          (await flushOf(urgent.id))!,
        ])
      )?.reason,
    ).toBe('deadline');
    await harness.lane.settled();
    await until(async () => (await getAsyncRequest(driver, urgent.id))?.state === 'completed');
  });
});
