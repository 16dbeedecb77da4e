import type { PriceBook } from '../prices/index.js';
import { type Classification, classify } from './finder/classify.js';
import { estimateSaving, type SavingEstimate } from './finder/estimate.js';
import type { PolicyLabel, Verdict } from './finder/evidence.js';
import { WorkloadProfile } from './finder/workload-profile.js';
import { createRecordPricer } from './pricing/record-costs.js';
import type { UsageRecord } from './usage-record.js';
import { type CostTotals, emptyCostTotals, mergeTotals } from './views/cost-totals.js';
import { type DailyLaneSpend, dailyLaneSpend, SpendByDay, type SpendRow } from './views/spend-by-day.js';
import { type Router, replay, type WhatIfResult } from './what-if/replay.js';
import { workloadKeyOf } from './workload-key.js';

export interface AnalyzeOptions {
  priceBook?: PriceBook;
  /** The proposed policy's router: adds policy labels to the evidence and the what-if replay. */
  route?: Router;
  /** Past this many workloads, further ones are counted together (API keys can be many). */
  maxWorkloads?: number;
}

export interface WorkloadFinding extends Classification {
  workload: string;
  keySource: WorkloadProfile['keySource'];
  requests: number;
  /** Paid over the observed span (nano-USD), priced requests only. */
  paid: number;
  unpricedRequests: number;
  /** Realized savings of its flex and batch requests (nano-USD). */
  realized: number;
  estimate: SavingEstimate;
  models: string[];
  teams: string[];
  firstAt: number;
  lastAt: number;
  /** Up to three rows (file:position) the evidence came from. */
  examples: string[];
}

export interface Analysis {
  span: { firstAt: number; lastAt: number; days: number };
  rows: number;
  totals: CostTotals;
  spend: SpendRow[];
  daily: DailyLaneSpend[];
  savings: {
    realized: number;
    realizedUnpricedRequests: number;
    /** Paid − batch price over realtime requests of deferrable workloads. */
    missed: number;
    missedRequests: number;
    /** Where "deferrable" came from: the policy, or the finder's verdicts when no policy was given. */
    deferrableFrom: 'policy' | 'finder';
    fallbacks: { requests: number; paid: number; extra: number };
  };
  findings: WorkloadFinding[];
  /** Requests whose cost is unknown, per model: reported, never summed as zero. */
  unpriced: { provider: string; model: string; requests: number }[];
  /** Rows whose cost came from the source (the rest were priced from the catalog). */
  pricedFromSourceRows: number;
  whatIf: WhatIfResult | null;
}

const dayMs = 86_400_000;
const overflowWorkload = '(other workloads)';

/** The whole spend review in one streaming pass: views, candidate finder and what-if replay. */
export async function analyzeUsage(
  records: AsyncIterable<UsageRecord> | Iterable<UsageRecord>,
  options: AnalyzeOptions = {},
): Promise<Analysis> {
  const pricer = createRecordPricer(options.priceBook);
  const maxWorkloads = options.maxWorkloads ?? 5000;
  const spend = new SpendByDay();
  const profiles = new Map<string, WorkloadProfile>();
  const unpriced = new Map<string, { provider: string; model: string; requests: number }>();
  const carries = { sessions: false, endUsers: false };
  let rows = 0;
  let pricedFromSourceRows = 0;
  let firstAt = Number.POSITIVE_INFINITY;
  let lastAt = Number.NEGATIVE_INFINITY;

  const consume = (record: UsageRecord): void => {
    rows++;
    let { name, source, isLabel } = workloadKeyOf(record);
    let profile = profiles.get(name);
    if (!profile) {
      if (profiles.size >= maxWorkloads) {
        name = overflowWorkload;
        source = 'none';
        isLabel = false;
        profile = profiles.get(name);
      }
      if (!profile) {
        profile = new WorkloadProfile(name, source, isLabel);
        profiles.set(name, profile);
      }
    }
    const costs = pricer.costs(record);
    if (costs.paidFromSource) pricedFromSourceRows++;
    if (costs.paid === null) {
      const key = `${record.provider}/${record.model}`;
      const entry = unpriced.get(key) ?? { provider: record.provider, model: record.model, requests: 0 };
      entry.requests += record.requests;
      unpriced.set(key, entry);
    }
    spend.add(record, name, costs);
    profile.add(record, costs);
    if (record.session) carries.sessions = true;
    if (record.endUser) carries.endUsers = true;
    if (record.startedAt < firstAt) firstAt = record.startedAt;
    if (record.startedAt > lastAt) lastAt = record.startedAt;
  };
  // A sync source (the demo generator, an array) skips a promise per row.
  if (Symbol.iterator in records) for (const record of records) consume(record);
  else for await (const record of records) consume(record);

  if (rows === 0) {
    firstAt = 0;
    lastAt = 0;
  }
  const spanDays = Math.max(1, (lastAt - firstAt) / dayMs);
  const spanHours = spanDays * 24;
  const totals = emptyCostTotals();
  const findings: WorkloadFinding[] = [];
  for (const profile of profiles.values()) {
    mergeTotals(totals, profile.totals);
    const policy = options.route ? policyLabelOf(profile, options.route) : null;
    const classification = classify(profile, {
      spanHours,
      sourceCarriesSessions: carries.sessions,
      sourceCarriesEndUsers: carries.endUsers,
      policy,
    });
    findings.push({
      workload: profile.name,
      keySource: profile.keySource,
      ...classification,
      requests: profile.totals.requests,
      paid: profile.totals.paid,
      unpricedRequests: profile.totals.unpricedRequests,
      realized: profile.totals.realized,
      estimate: estimateSaving(profile, classification.verdict, spanDays),
      models: profile.models(),
      teams: [...profile.teams],
      firstAt: profile.firstAt,
      lastAt: profile.lastAt,
      examples: profile.examples,
    });
  }
  findings.sort(
    (left, right) =>
      right.estimate.monthlyNanoUsd - left.estimate.monthlyNanoUsd ||
      right.paid - left.paid ||
      left.workload.localeCompare(right.workload),
  );

  const deferrable = (finding: WorkloadFinding): boolean =>
    finding.evidence.policy ? finding.evidence.policy.urgency === 'deferrable' : isMove(finding.verdict);
  let missed = 0;
  let missedRequests = 0;
  for (const finding of findings) {
    if (!deferrable(finding)) continue;
    const profile = profiles.get(finding.workload)!;
    missed += profile.totals.toBatch;
    missedRequests += profile.totals.toBatchRequests;
  }

  const spendRows = spend.rows();
  return {
    span: { firstAt, lastAt, days: spanDays },
    rows,
    totals,
    spend: spendRows,
    daily: dailyLaneSpend(spendRows),
    savings: {
      realized: totals.realized,
      realizedUnpricedRequests: totals.realizedUnpricedRequests,
      missed,
      missedRequests,
      deferrableFrom: options.route ? 'policy' : 'finder',
      fallbacks: {
        requests: totals.fallbackRequests,
        paid: totals.fallbackPaid,
        extra: totals.fallbackExtra,
      },
    },
    findings,
    unpriced: [...unpriced.values()].sort((left, right) => right.requests - left.requests),
    pricedFromSourceRows,
    whatIf: options.route ? replay(profiles.values(), options.route, spanDays) : null,
  };
}

export function isMove(verdict: Verdict): boolean {
  return verdict === 'batchable' || verdict === 'flex-able';
}

/** The policy's word on a workload: its busiest model and endpoint, routed once. */
function policyLabelOf(profile: WorkloadProfile, route: Router): PolicyLabel | null {
  let busiest: { provider: string; model: string; endpoint: string; requests: number } | undefined;
  for (const group of profile.groups.values()) {
    if (!busiest || group.totals.requests > busiest.requests) {
      busiest = { ...group, requests: group.totals.requests };
    }
  }
  if (!busiest) return null;
  const decision = route({
    workload: profile.isLabel ? profile.name : undefined,
    provider: busiest.provider,
    model: busiest.model,
    endpoint: busiest.endpoint || '/v1/chat/completions',
    asynchronous: true,
  });
  return {
    rule: decision.rule,
    urgency: decision.urgency,
    lane: decision.lane,
    ...(decision.deadlineMs === undefined ? {} : { deadlineMs: decision.deadlineMs }),
  };
}
