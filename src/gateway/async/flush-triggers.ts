import type { FlushReason, QueuedGroup } from './flush-records.js';

/** When queued requests are carried into the batch lane. */
export interface FlushSettings {
  /** Size: a group is flushed once this many of its requests wait. */
  maxPending: number;
  /** Age: a group is flushed once its oldest request has waited this long. */
  maxAgeMs: number;
  /**
   * Deadline pressure: a group is flushed once a request's deadline is this close, leaving the
   * engine time to run the batch (and, failing that, its own deadline fallback).
   */
  deadlineReserveMs: number;
  /** Requests per flush at most (one engine job; the engine splits it into provider batches). */
  maxRequests: number;
  /** How often the queue is looked at. */
  checkIntervalMs: number;
  /** Flushes run at once, across groups. */
  maxConcurrent: number;
  /**
   * How often open flushes no process here runs are looked for (a process sharing the database
   * died holding them, or this one restarted): those whose runner is gone are taken over.
   */
  adoptIntervalMs: number;
}

export const defaultFlushSettings: FlushSettings = {
  maxPending: 10_000,
  maxAgeMs: 60_000,
  deadlineReserveMs: 3_600_000,
  maxRequests: 50_000,
  checkIntervalMs: 250,
  maxConcurrent: 8,
  // About the engine's job lease: a runner on another host is known gone once its lease lapses.
  adoptIntervalMs: 30_000,
};

export interface DueFlush {
  group: QueuedGroup;
  reason: FlushReason;
}

/** The groups to flush now and why; the most urgent (deadline, then size, then age) first. */
export function dueFlushes(groups: readonly QueuedGroup[], now: number, settings: FlushSettings): DueFlush[] {
  const due: DueFlush[] = [];
  for (const group of groups) {
    const reason = flushReason(group, now, settings);
    if (reason) due.push({ group, reason });
  }
  const rank: Record<FlushReason, number> = { deadline: 0, size: 1, age: 2, close: 3 };
  return due.sort(
    (left, right) =>
      rank[left.reason] - rank[right.reason] ||
      left.group.earliestDeadlineAt - right.group.earliestDeadlineAt,
  );
}

export function flushReason(
  group: QueuedGroup,
  now: number,
  settings: FlushSettings,
): FlushReason | undefined {
  if (now >= group.earliestDeadlineAt - settings.deadlineReserveMs) return 'deadline';
  if (group.count >= settings.maxPending) return 'size';
  if (now - group.oldestAt >= settings.maxAgeMs) return 'age';
  return undefined;
}
