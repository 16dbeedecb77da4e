import type { Lane } from '../../prices/types.js';
import type { RecordCosts } from '../pricing/record-costs.js';
import type { UsageRecord } from '../usage-record.js';

/** Spend for one day × workload × lane × model × team. */
export interface SpendRow {
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  workload: string;
  lane: Lane;
  provider: string;
  model: string;
  /** Empty when the source names no team. */
  team: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  /** Paid, over priced requests (nano-USD). */
  paid: number;
  /** Requests whose cost is unknown: never counted as zero. */
  unpricedRequests: number;
}

const dayMs = 86_400_000;
const separator = '\u0001';

/**
 * Streaming spend aggregation: memory grows with the number of distinct day × workload × lane ×
 * model × team cells, never with the number of rows (30 days × 25 workloads × a few models is a
 * few thousand cells, whether the history has 20,000 rows or 20 million).
 */
export class SpendByDay {
  readonly #cells = new Map<string, SpendRow>();
  readonly #dayNames = new Map<number, string>();

  add(record: UsageRecord, workload: string, costs: RecordCosts): void {
    const dayIndex = Math.floor(record.startedAt / dayMs);
    const team = record.team ?? '';
    const key =
      dayIndex +
      separator +
      workload +
      separator +
      record.lane +
      separator +
      record.provider +
      separator +
      record.model +
      separator +
      team;
    let cell = this.#cells.get(key);
    if (!cell) {
      cell = {
        day: this.#dayName(dayIndex),
        workload,
        lane: record.lane,
        provider: record.provider,
        model: record.model,
        team,
        requests: 0,
        inputTokens: 0,
        outputTokens: 0,
        paid: 0,
        unpricedRequests: 0,
      };
      this.#cells.set(key, cell);
    }
    cell.requests += record.requests;
    cell.inputTokens += record.inputTokens;
    cell.outputTokens += record.outputTokens;
    if (costs.paid === null) cell.unpricedRequests += record.requests;
    else cell.paid += costs.paid;
  }

  /** Every cell, sorted by day, then workload, lane, model and team. */
  rows(): SpendRow[] {
    return [...this.#cells.values()].sort(
      (left, right) =>
        compare(left.day, right.day) ||
        compare(left.workload, right.workload) ||
        compare(left.lane, right.lane) ||
        compare(left.model, right.model) ||
        compare(left.team, right.team),
    );
  }

  #dayName(dayIndex: number): string {
    let name = this.#dayNames.get(dayIndex);
    if (!name) {
      name = new Date(dayIndex * dayMs).toISOString().slice(0, 10);
      this.#dayNames.set(dayIndex, name);
    }
    return name;
  }
}

/** Per day, paid in each lane: the series of the "spend over time by lane" chart. */
export interface DailyLaneSpend {
  day: string;
  realtime: number;
  flex: number;
  batch: number;
  unpricedRequests: number;
}

export function dailyLaneSpend(rows: readonly SpendRow[]): DailyLaneSpend[] {
  const days = new Map<string, DailyLaneSpend>();
  for (const row of rows) {
    let day = days.get(row.day);
    if (!day) {
      day = { day: row.day, realtime: 0, flex: 0, batch: 0, unpricedRequests: 0 };
      days.set(row.day, day);
    }
    day[row.lane] += row.paid;
    day.unpricedRequests += row.unpricedRequests;
  }
  return [...days.values()].sort((left, right) => compare(left.day, right.day));
}

function compare(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

/** The spend cells summed over days: workload × lane × model × team, most paid first. */
export function spendByWorkloadLaneModelTeam(rows: readonly SpendRow[]): Omit<SpendRow, 'day'>[] {
  const cells = new Map<string, Omit<SpendRow, 'day'>>();
  for (const { day: _day, ...row } of rows) {
    const key = [row.workload, row.lane, row.provider, row.model, row.team].join(separator);
    const cell = cells.get(key);
    if (!cell) {
      cells.set(key, { ...row });
      continue;
    }
    cell.requests += row.requests;
    cell.inputTokens += row.inputTokens;
    cell.outputTokens += row.outputTokens;
    cell.paid += row.paid;
    cell.unpricedRequests += row.unpricedRequests;
  }
  return [...cells.values()].sort(
    (left, right) => right.paid - left.paid || right.unpricedRequests - left.unpricedRequests,
  );
}
