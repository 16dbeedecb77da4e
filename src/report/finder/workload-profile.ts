import type { Lane } from '../../prices/types.js';
import type { RecordCosts } from '../pricing/record-costs.js';
import type { UsageRecord } from '../usage-record.js';
import { addToTotals, type CostTotals, emptyCostTotals } from '../views/cost-totals.js';
import type { WorkloadKeySource } from '../workload-key.js';
import { ArrivalRecorder } from './arrival.js';
import { LatencyHistogram } from './latency.js';

/** Distinct values are counted up to this many, then reported as "at least". */
const distinctCap = 1000;
const separator = '\u0001';

/** One provider × model × endpoint × lane of a workload: the unit what-if replay routes. */
export interface CostGroup {
  provider: string;
  model: string;
  endpoint: string;
  lane: Lane;
  totals: CostTotals;
}

/**
 * Everything the finder learns about one workload in a single pass over its rows, in memory
 * bounded by the history's span (arrival buckets) and small caps (distinct ids), not by rows.
 */
export class WorkloadProfile {
  readonly name: string;
  readonly keySource: WorkloadKeySource;
  readonly isLabel: boolean;
  readonly totals = emptyCostTotals();
  readonly groups = new Map<string, CostGroup>();
  readonly arrival = new ArrivalRecorder();
  readonly latency = new LatencyHistogram();
  rows = 0;
  /** Rows standing for several requests (a provider's usage buckets): their arrival is coarse. */
  aggregateRows = 0;
  streamKnownRequests = 0;
  streamedRequests = 0;
  sessionRequests = 0;
  endUserRequests = 0;
  failedRequests = 0;
  readonly sessions = new Set<string>();
  readonly endUsers = new Set<string>();
  readonly laneRequests: Record<Lane, number> = { realtime: 0, flex: 0, batch: 0 };
  readonly formats = new Set<string>();
  readonly teams = new Set<string>();
  firstAt = Number.POSITIVE_INFINITY;
  lastAt = Number.NEGATIVE_INFINITY;
  /** Where the first few rows came from, so a finding can point at its evidence. */
  readonly examples: string[] = [];

  constructor(name: string, keySource: WorkloadKeySource, isLabel: boolean) {
    this.name = name;
    this.keySource = keySource;
    this.isLabel = isLabel;
  }

  add(record: UsageRecord, costs: RecordCosts): void {
    const requests = record.requests;
    this.rows++;
    if (requests > 1 || record.durationMs !== undefined) this.aggregateRows++;
    addToTotals(this.totals, record, costs);
    addToTotals(this.#group(record).totals, record, costs);
    this.arrival.add(record.startedAt, requests);
    if (record.latencyMs !== undefined) this.latency.add(record.latencyMs, requests);
    if (record.stream !== undefined) {
      this.streamKnownRequests += requests;
      if (record.stream) this.streamedRequests += requests;
    }
    if (record.session) {
      this.sessionRequests += requests;
      if (this.sessions.size < distinctCap) this.sessions.add(record.session);
    }
    if (record.endUser) {
      this.endUserRequests += requests;
      if (this.endUsers.size < distinctCap) this.endUsers.add(record.endUser);
    }
    if (record.failed) this.failedRequests += requests;
    this.laneRequests[record.lane] += requests;
    this.formats.add(record.origin.format);
    if (record.team && this.teams.size < 20) this.teams.add(record.team);
    if (record.startedAt < this.firstAt) this.firstAt = record.startedAt;
    if (record.startedAt > this.lastAt) this.lastAt = record.startedAt;
    if (this.examples.length < 3) {
      this.examples.push(`${record.origin.path}:${record.origin.position}`);
    }
  }

  /** `provider/model` by requests, busiest first, for the report's "models" column. */
  models(): string[] {
    const requests = new Map<string, number>();
    for (const group of this.groups.values()) {
      const name = `${group.provider}/${group.model}`;
      requests.set(name, (requests.get(name) ?? 0) + group.totals.requests);
    }
    return [...requests.entries()].sort((left, right) => right[1] - left[1]).map(([name]) => name);
  }

  #lastGroupKey = '';
  #lastGroup: CostGroup | undefined;

  #group(record: UsageRecord): CostGroup {
    const endpoint = record.endpoint ?? '';
    const key = record.provider + separator + record.model + separator + endpoint + separator + record.lane;
    if (key === this.#lastGroupKey && this.#lastGroup) return this.#lastGroup;
    let group = this.groups.get(key);
    if (!group) {
      group = {
        provider: record.provider,
        model: record.model,
        endpoint,
        lane: record.lane,
        totals: emptyCostTotals(),
      };
      this.groups.set(key, group);
    }
    this.#lastGroupKey = key;
    this.#lastGroup = group;
    return group;
  }
}
