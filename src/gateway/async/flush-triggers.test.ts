import { describe, expect, it } from 'vitest';
import type { QueuedGroup } from './flush-records.js';
import { defaultFlushSettings, dueFlushes, flushReason } from './flush-triggers.js';

const settings = { ...defaultFlushSettings, maxPending: 100, maxAgeMs: 60_000, deadlineReserveMs: 3_600_000 };
const now = 10_000_000_000;

function group(overrides: Partial<QueuedGroup>): QueuedGroup {
  return {
    team: 'team-a',
    workload: 'nightly',
    provider: 'openai',
    model: 'gpt-4o-mini',
    count: 1,
    oldestAt: now,
    earliestDeadlineAt: now + 24 * 3_600_000,
    ...overrides,
  };
}

describe('flush triggers', () => {
  it('waits while a group is small, young and far from its deadline', () => {
    expect(flushReason(group({ count: 99, oldestAt: now - 59_999 }), now, settings)).toBeUndefined();
  });

  it('flushes by size', () => {
    expect(flushReason(group({ count: 100 }), now, settings)).toBe('size');
  });

  it('flushes by age of the oldest request', () => {
    expect(flushReason(group({ oldestAt: now - 60_000 }), now, settings)).toBe('age');
  });

  it('flushes under deadline pressure, before size or age would', () => {
    expect(flushReason(group({ earliestDeadlineAt: now + 3_600_000 }), now, settings)).toBe('deadline');
    expect(flushReason(group({ earliestDeadlineAt: now + 3_600_001 }), now, settings)).toBeUndefined();
  });

  it('orders due groups by urgency', () => {
    const due = dueFlushes(
      [
        group({ model: 'old', oldestAt: now - 120_000 }),
        group({ model: 'big', count: 500 }),
        group({ model: 'late', earliestDeadlineAt: now + 60_000 }),
        group({ model: 'quiet' }),
      ],
      now,
      settings,
    );
    expect(due.map((entry) => [entry.group.model, entry.reason])).toEqual([
      ['late', 'deadline'],
      ['big', 'size'],
      ['old', 'age'],
    ]);
  });
});
