import { computeCost, type PriceBook } from '../../prices/index.js';
import type { Lane, Usage } from '../../prices/types.js';
import { createRecordPricer, type RecordPricer } from '../pricing/record-costs.js';
import type { UsageRecord } from '../usage-record.js';
import { dayOf } from './format.js';

/**
 * Usage summed to one FOCUS row per (UTC day, provider, model, lane, workload, team, project):
 * the grain of the providers' own daily cost reports, small enough for a spreadsheet, and fine
 * enough to answer "which workload paid realtime prices for what". Costs are integer nano-USD
 * so that sums are exact.
 */

export interface FocusGroup {
  dayStart: number;
  provider: string;
  model: string;
  lane: Lane;
  workload: string | undefined;
  team: string | undefined;
  project: string | undefined;
  records: number;
  requests: number;
  /** Some records came from a source that does not count requests (Anthropic's usage report). */
  requestCountUnknown: boolean;
  inputTokens: number;
  cachedInputTokens: number;
  cacheWriteInputTokens: number;
  outputTokens: number;
  billedNanoUsd: number;
  /** At the catalog's price for the lane that ran (what was billed, where the catalog cannot say). */
  listNanoUsd: number;
  /** At the catalog's realtime price; null when any record's realtime price is unknown. */
  realtimeNanoUsd: number | null;
  sources: Set<string>;
}

/** Records that could not be exported: no cost in the source and none in the price catalog. */
export interface Unpriced {
  records: number;
  /** `provider/model`: why, from the price catalog. */
  reasons: Map<string, string>;
}

export class FocusAggregator {
  private readonly groups = new Map<string, FocusGroup>();
  readonly unpriced: Unpriced = { records: 0, reasons: new Map() };
  recordsRead = 0;

  private readonly pricer: RecordPricer;

  constructor(private readonly priceBook: PriceBook) {
    this.pricer = createRecordPricer(priceBook);
  }

  /** The catalog's words for why a record has no price; asked once per unpriced model. */
  private whyUnpriced(record: UsageRecord): string {
    const price = this.priceBook.priceFor(record.provider, record.model);
    const result = computeCost(price, usageOf(record), record.lane);
    return result.priced ? 'no price' : result.message;
  }

  add(record: UsageRecord): void {
    this.recordsRead += 1;
    // The report's pricer: each (provider, model) looked up once, the same figures as the views.
    const costs = this.pricer.costs(record);
    const inLane = costs[record.lane];
    const billed = record.costNanoUsd ?? inLane ?? undefined;
    if (billed === undefined) {
      this.unpriced.records += 1;
      const key = `${record.provider}/${record.model}`;
      if (!this.unpriced.reasons.has(key)) this.unpriced.reasons.set(key, this.whyUnpriced(record));
      return;
    }
    const realtime =
      record.lane === 'realtime' && record.costNanoUsd !== undefined ? record.costNanoUsd : costs.realtime;
    const group = this.groupFor(record);
    group.records += 1;
    group.requests += record.requests;
    if (record.requestCountUnknown) group.requestCountUnknown = true;
    group.inputTokens += record.inputTokens;
    group.cachedInputTokens += record.cachedInputTokens ?? 0;
    group.cacheWriteInputTokens += record.cacheCreationInputTokens ?? 0;
    group.outputTokens += record.outputTokens;
    group.billedNanoUsd += billed;
    group.listNanoUsd += inLane ?? billed;
    group.realtimeNanoUsd =
      group.realtimeNanoUsd === null || realtime === null ? null : group.realtimeNanoUsd + realtime;
    group.sources.add(record.origin.format);
  }

  /** The groups in charge period, provider, model, lane, workload, team order. */
  groupsInOrder(): FocusGroup[] {
    return [...this.groups.entries()]
      .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0))
      .map(([, group]) => group);
  }

  private groupFor(record: UsageRecord): FocusGroup {
    const { start } = dayOf(record.startedAt);
    const key = [
      String(start).padStart(15, '0'),
      record.provider,
      record.model,
      record.lane,
      record.workload ?? '',
      record.team ?? '',
      record.project ?? '',
    ].join('\u0000');
    let group = this.groups.get(key);
    if (!group) {
      group = {
        dayStart: start,
        provider: record.provider,
        model: record.model,
        lane: record.lane,
        workload: record.workload,
        team: record.team,
        project: record.project,
        records: 0,
        requests: 0,
        requestCountUnknown: false,
        inputTokens: 0,
        cachedInputTokens: 0,
        cacheWriteInputTokens: 0,
        outputTokens: 0,
        billedNanoUsd: 0,
        listNanoUsd: 0,
        realtimeNanoUsd: 0,
        sources: new Set(),
      };
      this.groups.set(key, group);
    }
    return group;
  }
}

function usageOf(record: UsageRecord): Usage {
  const usage: Usage = { inputTokens: record.inputTokens, outputTokens: record.outputTokens };
  if (record.cachedInputTokens !== undefined) usage.cachedInputTokens = record.cachedInputTokens;
  if (record.cacheCreationInputTokens !== undefined)
    usage.cacheCreationInputTokens = record.cacheCreationInputTokens;
  if (record.cacheCreation1hInputTokens !== undefined)
    usage.cacheCreation1hInputTokens = record.cacheCreation1hInputTokens;
  return usage;
}
