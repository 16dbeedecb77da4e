import { expect } from 'vitest';
import type { SqlDriver } from '../../store/sql.js';
import { countAsyncRequests } from './request-records.js';

// Checks shared by the tests that kill gateway processes (kill.test.ts, two-processes.test.ts),
// kept apart from test-support.ts: the crash child imports that one, and this one loads vitest.

/** After a run with kills: every one of `count` accepted requests ended completed, in one row each. */
export async function expectEveryRequestCompleted(driver: SqlDriver, count: number): Promise<void> {
  expect(await countAsyncRequests(driver)).toEqual({
    queued: 0,
    in_progress: 0,
    completed: count,
    failed: 0,
  });
  const rows = await driver.all<{ id: string }>('SELECT id FROM async_requests');
  expect(rows).toHaveLength(count);
}
