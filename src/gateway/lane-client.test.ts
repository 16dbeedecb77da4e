import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSpendwall, type Spendwall } from '../library.js';
import { parsePolicy } from '../policy/parse-policy.js';
import { SqliteDriver } from '../store/sqlite/driver.js';

const policy = parsePolicy(
  ['version: 1', 'workloads:', '  ticket-triage: { urgency: deferrable, deadline: 15m }'].join('\n'),
);

describe('library chat() and embed() through the gateway lanes', () => {
  let spendwall: Spendwall | undefined;
  let folder: string | undefined;
  afterEach(async () => {
    await spendwall?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
    spendwall = undefined;
  });

  it('runs interactive work realtime and deferrable work with a short deadline in flex, with ledger rows', async () => {
    folder = mkdtempSync(join(tmpdir(), 'spendwall-library-'));
    spendwall = await createSpendwall({ emulator: true, database: join(folder, 'library.db'), policy });
    const now = await spendwall.chat({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(now).toMatchObject({ lane: 'realtime', workload: 'unlabeled', fellBack: false });
    expect(now.costNanoUsd).toBeGreaterThan(0);

    const later = await spendwall.chat<{ service_tier: string }>(
      { model: 'gpt-5-mini', messages: [{ role: 'user', content: 'triage this' }] },
      { workload: 'ticket-triage' },
    );
    expect(later.lane).toBe('flex');
    expect(later.body.service_tier).toBe('flex');

    const vectors = await spendwall.embed<{ data: unknown[] }>({
      model: 'text-embedding-3-small',
      input: ['a', 'b'],
    });
    expect(vectors.body.data).toHaveLength(2);
    expect(vectors.lane).toBe('realtime');

    await spendwall.close();
    spendwall = undefined;
    const driver = new SqliteDriver(join(folder, 'library.db'));
    const rows = await driver.all<{ lane: string; endpoint: string }>(
      'SELECT lane, endpoint FROM ledger ORDER BY created_at',
    );
    await driver.close();
    expect(rows.map((row) => row.lane).sort()).toEqual(['flex', 'realtime', 'realtime']);
  });
});
