import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../store/migrate.js';
import { testDatabases } from '../store/test-databases.js';
import { createLedgerWriter, type LedgerRow } from './ledger-writer.js';

const row = (index: number): LedgerRow => ({
  id: `led_${index}`,
  requestId: `req_${index}`,
  workload: 'w',
  urgency: 'interactive',
  team: null,
  provider: 'openai',
  model: 'gpt-4o-mini',
  endpoint: '/v1/chat/completions',
  lane: 'realtime',
  inputTokens: 1,
  cachedInputTokens: 0,
  cacheCreationInputTokens: 0,
  outputTokens: 2,
  costNanoUsd: 3,
  realtimeCostNanoUsd: 3,
  batchCostNanoUsd: 2,
  flexCostNanoUsd: null,
  deadlineFallback: false,
  createdAt: 1_700_000_000_000 + index,
});

describe.each(testDatabases)('ledger writer on $name', (database) => {
  let dispose: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await dispose?.();
  });

  it('writes rows in batches off the hot path, and everything on close', async () => {
    const created = await database.create();
    dispose = created.dispose;
    await migrate(created.driver);
    const writer = createLedgerWriter(created.driver, { flushIntervalMs: 60_000, batchSize: 500 });
    for (let index = 0; index < 1203; index++) writer.add(row(index));
    // Two full batches were flushed on their own; the rest waits for the timer or close.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(writer.pending).toBe(203);
    await writer.close();
    const count = await created.driver.get<{ n: number | string }>('SELECT COUNT(*) AS n FROM ledger');
    expect(Number(count?.n)).toBe(1203);
  });
});
