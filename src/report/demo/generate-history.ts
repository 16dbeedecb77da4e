import { hash32, type RandomSource, seededRandom } from '../../core/random.js';
import { computeCost, priceFor } from '../../prices/index.js';
import type { Lane, Usage } from '../../prices/types.js';
import type { Verdict } from '../finder/evidence.js';
import type { UsageRecord } from '../usage-record.js';
import { arrivalsOn, gaussian } from './arrivals.js';
import { type DemoWorkload, demoWorkloads, reportedName } from './workload-catalog.js';

export interface HistoryOptions {
  seed?: number | string;
  /** Days of history (default 28, four full weeks). */
  days?: number;
  /** First day, 00:00 UTC (default Monday 2026-10-26). */
  start?: number;
  /** Multiplies every workload's volume (timers keep their times). */
  scale?: number;
  /** Stop after this many rows. */
  maxRows?: number;
  workloads?: readonly DemoWorkload[];
}

/** What the generator knows to be true, for grading the finder. */
export interface HistoryTruth {
  days: number;
  rows: number;
  workloads: {
    name: string;
    /** The name the report groups it under. */
    reportedAs: string;
    truth: Verdict;
    why: string;
    requests: number;
    /**
     * What moving its realtime requests would save per 30 days (nano-USD): to batch for
     * batchable workloads, to flex for flex-able ones (models offering the lane only), priced
     * here from the catalog, independently of the finder.
     */
    monthlySavingNanoUsd: number;
  }[];
}

export interface GeneratedHistory {
  records: Iterable<UsageRecord>;
  /** Complete once `records` has been iterated to the end. */
  truth(): HistoryTruth;
}

const dayMs = 86_400_000;
/** Share of each workload's requests that arrive at a random time of day. */
const strayShare = 0.03;
export const demoStart = Date.UTC(2026, 9, 26);

/**
 * A seeded, realistic usage history: 25 workloads over four weeks, one day at a time in time
 * order, so any size streams in constant memory (the benchmark asks for 2,000,000 rows).
 */
export function generateHistory(options: HistoryOptions = {}): GeneratedHistory {
  const days = options.days ?? 28;
  const start = options.start ?? demoStart;
  const scale = options.scale ?? 1;
  const workloads = options.workloads ?? demoWorkloads;
  const seed = options.seed ?? 'spendwall-demo';
  const maxRows = options.maxRows ?? Number.POSITIVE_INFINITY;
  const truths = workloads.map((workload) => ({
    name: workload.name,
    reportedAs: reportedName(workload),
    truth: workload.truth,
    why: workload.why,
    requests: 0,
    saving: 0,
  }));
  let rows = 0;

  function* records(): Generator<UsageRecord> {
    let sequence = 0;
    for (let day = 0; day < days; day++) {
      const dayStart = start + day * dayMs;
      const today: { at: number; workload: number }[] = [];
      workloads.forEach((workload, index) => {
        const random = seededRandom(hash32(`${seed}:${workload.name}:${day}:arrivals`));
        const times = arrivalsOn(workload.arrival, day, dayStart, scale, random);
        // Real logs are never clean: manual re-runs, retries and tests land at odd hours.
        const strays = Math.floor(times.length * strayShare * 2 * random());
        for (let stray = 0; stray < strays; stray++) times.push(dayStart + random() * dayMs);
        for (const at of times) today.push({ at: Math.floor(at), workload: index });
      });
      today.sort((left, right) => left.at - right.at);
      const random = seededRandom(hash32(`${seed}:${day}:requests`));
      for (const arrival of today) {
        if (rows >= maxRows) return;
        const workload = workloads[arrival.workload]!;
        const record = requestOf(workload, arrival.at, random, ++sequence);
        const truth = truths[arrival.workload]!;
        truth.requests++;
        truth.saving += savingOf(workload, record);
        rows++;
        yield record;
      }
    }
  }

  return {
    records: { [Symbol.iterator]: records },
    truth: () => ({
      days,
      rows,
      workloads: truths.map(({ saving, ...truth }) => ({
        ...truth,
        monthlySavingNanoUsd: Math.round((saving * 30) / days),
      })),
    }),
  };
}

function requestOf(workload: DemoWorkload, at: number, random: RandomSource, sequence: number): UsageRecord {
  const model = workload.models[Math.floor(random() * workload.models.length)]!;
  let lane: Lane = 'realtime';
  let deadlineFallback = false;
  const draw = random();
  const batchShare = workload.lanes?.batch ?? 0;
  if (draw < batchShare) {
    if (random() < (workload.fallbackShare ?? 0)) deadlineFallback = true;
    else lane = 'batch';
  } else if (draw < batchShare + (workload.lanes?.flex ?? 0)) {
    lane = 'flex';
  }
  const failed = random() < (workload.failedShare ?? 0);
  const inputTokens = failed ? 0 : Math.max(1, Math.round(workload.tokens.input * logNormal(random)));
  const outputTokens =
    failed || workload.tokens.output === 0
      ? 0
      : Math.max(1, Math.round(workload.tokens.output * logNormal(random)));
  const cachedInputTokens =
    workload.tokens.cachedShare && lane === 'realtime'
      ? Math.floor(inputTokens * workload.tokens.cachedShare * random())
      : 0;

  const record: UsageRecord = {
    startedAt: at,
    requests: 1,
    provider: workload.provider,
    model,
    lane,
    endpoint: workload.endpoint,
    team: workload.team || undefined,
    inputTokens,
    outputTokens,
    origin: { format: 'demo', path: 'generated', position: `request ${sequence}` },
    requestId: `req-${sequence.toString(36).padStart(7, '0')}`,
  };
  if (!workload.team) delete record.team;
  if (cachedInputTokens > 0) record.cachedInputTokens = cachedInputTokens;
  switch (workload.label.by) {
    case 'workload':
      record.workload = workload.name;
      break;
    case 'tag':
      record.tags = [`workload:${workload.name}`, `team:${workload.team}`];
      break;
    case 'project':
      record.project = workload.label.value;
      break;
    case 'service':
      record.service = workload.label.value;
      break;
    case 'api-key':
      record.apiKey = workload.label.value;
      break;
    case 'user-agent':
      record.userAgent = workload.label.value;
      break;
    case 'none':
      break;
  }
  if (workload.stream !== null) record.stream = random() < workload.stream;
  if (random() < workload.session) {
    record.session = `sess-${hash32(workload.name).toString(36)}-${Math.floor(at / 600_000) % 997}-${Math.floor(random() * 40)}`;
  }
  if (random() < workload.endUser) record.endUser = `user-${Math.floor(random() * 5000)}`;
  if (lane !== 'batch' && workload.stream !== null) {
    const slow = lane === 'flex' ? 1.8 : 1;
    record.latencyMs = Math.round(
      (workload.latency.baseMs + workload.latency.perOutputTokenMs * outputTokens) *
        slow *
        (0.6 + 0.8 * random()),
    );
  }
  if (failed) record.failed = true;
  if (deadlineFallback) record.deadlineFallback = true;
  const price = priceFor(workload.provider, model);
  const cost = computeCost(price, usageOf(record), lane);
  if (cost.priced) record.costNanoUsd = cost.nanoUsd;
  return record;
}

/** The truth's saving for one request: its realtime price minus the lane its workload belongs in. */
function savingOf(workload: DemoWorkload, record: UsageRecord): number {
  if (record.lane !== 'realtime' || record.costNanoUsd === undefined) return 0;
  const target: Lane | undefined =
    workload.truth === 'batchable' ? 'batch' : workload.truth === 'flex-able' ? 'flex' : undefined;
  if (!target) return 0;
  const cost = computeCost(priceFor(record.provider, record.model), usageOf(record), target);
  return cost.priced ? record.costNanoUsd - cost.nanoUsd : 0;
}

function usageOf(record: UsageRecord): Usage {
  return {
    inputTokens: record.inputTokens,
    outputTokens: record.outputTokens,
    ...(record.cachedInputTokens ? { cachedInputTokens: record.cachedInputTokens } : {}),
  };
}

/** Token counts vary around their mean (log-normal, σ = 0.35, mean 1). */
function logNormal(random: RandomSource): number {
  return Math.exp(0.35 * gaussian(random) - 0.06125);
}
