import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../store/migrate.js';
import type { SqlDriver } from '../../store/sql.js';
import { testDatabases } from '../../store/test-databases.js';
import type { UsageRecord } from '../usage-record.js';
import { readLedger } from './ledger.js';

async function insertRow(
  driver: SqlDriver,
  id: string,
  createdAt: number,
  extra: Partial<Record<string, unknown>> = {},
) {
  const row = {
    id,
    job_id: null,
    line: null,
    workload: 'nightly-ticket-classify',
    team: null,
    provider: 'openai',
    model: 'gpt-4o-mini',
    endpoint: '/v1/chat/completions',
    lane: 'batch',
    input_tokens: 1000,
    cached_input_tokens: 0,
    cache_creation_input_tokens: 0,
    output_tokens: 100,
    cost_nanousd: 67_500,
    realtime_cost_nanousd: 210_000,
    batch_cost_nanousd: 105_000,
    flex_cost_nanousd: 105_000,
    deadline_fallback: 0,
    created_at: createdAt,
    ...extra,
  };
  const names = Object.keys(row);
  await driver.run(
    `INSERT INTO ledger (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
    Object.values(row) as (string | number | null)[],
  );
}

describe.each(testDatabases)('readLedger on $name', (database) => {
  let disposers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const dispose of disposers) await dispose();
    disposers = [];
  });

  it('reads every row once across pages, in time order, within since/until', async () => {
    const created = await database.create();
    disposers.push(created.dispose);
    await migrate(created.driver);
    // Seven rows, four sharing one created_at so that pages of 2 split a tie.
    for (const [id, at] of [
      ['r-b', 2000],
      ['r-a', 2000],
      ['r-d', 2000],
      ['r-c', 2000],
      ['r-0', 1000],
      ['r-9', 9000],
      ['r-5', 5000],
    ] as const) {
      await insertRow(created.driver, id, at);
    }
    const read = async (options: Parameters<typeof readLedger>[1]) => {
      const records: UsageRecord[] = [];
      for await (const record of readLedger(created.driver, { pageSize: 2, ...options }))
        records.push(record);
      return records.map((record) => record.requestId);
    };
    expect(await read({})).toEqual(['r-0', 'r-a', 'r-b', 'r-c', 'r-d', 'r-5', 'r-9']);
    expect(await read({ since: 2000, until: 9000 })).toEqual(['r-a', 'r-b', 'r-c', 'r-d', 'r-5']);
  });

  it('maps a row to a record with its workload, team, lane, cost and deadline fallback', async () => {
    const created = await database.create();
    disposers.push(created.dispose);
    await migrate(created.driver);
    await insertRow(created.driver, 'r-1', 1_793_606_400_000, {
      job_id: 'job_1',
      line: 7,
      team: 'data',
      lane: 'realtime',
      cached_input_tokens: 200,
      cost_nanousd: 210_000,
      deadline_fallback: 1,
    });
    const records: UsageRecord[] = [];
    for await (const record of readLedger({ driver: created.driver, location: 'test.db' }))
      records.push(record);
    expect(records).toEqual([
      {
        startedAt: 1_793_606_400_000,
        requests: 1,
        provider: 'openai',
        model: 'gpt-4o-mini',
        lane: 'realtime',
        endpoint: '/v1/chat/completions',
        workload: 'nightly-ticket-classify',
        team: 'data',
        inputTokens: 1000,
        cachedInputTokens: 200,
        outputTokens: 100,
        costNanoUsd: 210_000,
        deadlineFallback: true,
        requestId: 'r-1',
        origin: { format: 'ledger', path: 'test.db', position: 'job job_1 line 7' },
      },
    ]);
  });
});
