import { formatDuration } from '../../core/durations.js';
import type { ArrivalPattern } from './arrival.js';
import type { Evidence, PolicyLabel, Signal, Verdict } from './evidence.js';
import type { WorkloadProfile } from './workload-profile.js';

/**
 * Thresholds of the verdicts, in one place so docs/report.md can quote them. A share of person
 * signs at or above `personShare` rules a workload out of any move; below `strongPersonShare`
 * it makes the verdict `unknown` (mixed evidence) rather than `interactive`.
 */
export const thresholds = {
  personShare: 0.05,
  strongPersonShare: 0.3,
  minimumRequests: 50,
  /** Two consecutive hours of day holding this share of requests, on this share of active days. */
  scheduleShare: 0.8,
  scheduleDays: 0.8,
  /** Share of requests in burst hours (≥ 10 requests per active minute). */
  burstShare: 0.5,
  /** Busiest 10 hours of the day holding this share, with weekdays this much busier than weekends. */
  businessWindowShare: 0.75,
  weekdayToWeekend: 2,
  /** Share of the history's hours with traffic for a workload to count as continuous. */
  continuousCoverage: 0.5,
  /** …with hourly counts this even (standard deviation over mean, idle hours included). */
  continuousVariation: 1,
  /** Median or 95th-percentile latency showing nobody needs the answer within seconds. */
  tolerantP50Ms: 5_000,
  tolerantP95Ms: 30_000,
  /** Without a batch or flex lane for the model, a policy deadline at least this long reads as batch work. */
  batchDeadlineMs: 24 * 3_600_000,
} as const;

export interface ClassifyContext {
  /** The whole history's span in hours (at least one day). */
  spanHours: number;
  /** Whether the rows' sources ever carry session ids / end-user ids at all. */
  sourceCarriesSessions: boolean;
  sourceCarriesEndUsers: boolean;
  policy: PolicyLabel | null;
}

export interface Classification {
  verdict: Verdict;
  /** One sentence: why this verdict. */
  reason: string;
  evidence: Evidence;
}

export function classify(profile: WorkloadProfile, context: ClassifyContext): Classification {
  const evidence = gatherEvidence(profile, context);
  const { verdict, reason } = decide(evidence);
  return { verdict, reason, evidence };
}

function decide(evidence: Evidence): { verdict: Verdict; reason: string } {
  const { signals, policy } = evidence;
  const person = signals.filter((signal) => signal.reading === 'person');
  const strongPerson = person;

  if (policy && policy.rule !== 'default' && policy.urgency === 'interactive') {
    return { verdict: 'interactive', reason: `the policy marks it interactive (rule ${policy.rule})` };
  }
  if (strongPerson.length > 0) {
    const strong =
      strongPerson.length >= 2 ||
      [evidence.streamingShare, evidence.sessionShare, evidence.endUserShare].some(
        (share) => share !== null && share >= thresholds.strongPersonShare,
      ) ||
      strongPerson.some((signal) => signal.name === 'business-hours');
    const names = strongPerson.map((signal) => signal.name).join(', ');
    return strong
      ? { verdict: 'interactive', reason: `a person is likely waiting (${names})` }
      : {
          verdict: 'unknown',
          reason: `mixed evidence: some requests show a waiting person (${names}), so it is not moved`,
        };
  }
  if (evidence.requests < thresholds.minimumRequests) {
    return { verdict: 'unknown', reason: `too few requests to judge (${evidence.requests})` };
  }
  if (signals.some((signal) => signal.name === 'person-fields' && signal.reading === 'missing')) {
    return {
      verdict: 'unknown',
      reason:
        'the source says nothing about streaming, sessions or end users, so a waiting person cannot be ruled out',
    };
  }
  const pipeline = new Set(
    signals.filter((signal) => signal.reading === 'pipeline').map((signal) => signal.name),
  );
  const names = [...pipeline].join(', ');
  if (pipeline.has('schedule') || pipeline.has('interval') || pipeline.has('bursts')) {
    return { verdict: 'batchable', reason: `pipeline traffic (${names}) with no sign of a waiting person` };
  }
  if (evidence.lanes.batch > evidence.requests / 2) {
    return { verdict: 'batchable', reason: 'most of it already runs in the batch lane' };
  }
  if (pipeline.has('continuous') && pipeline.has('latency')) {
    return {
      verdict: 'flex-able',
      reason: `steady machine traffic that already tolerates slow answers (${names}): minutes, not a day`,
    };
  }
  if (evidence.lanes.flex > evidence.requests / 2) {
    return { verdict: 'flex-able', reason: 'most of it already runs in the flex lane' };
  }
  if (policy && policy.urgency === 'deferrable' && policy.rule !== 'default') {
    // The router's own lane where it chose batch or flex; only when the model has neither (the
    // router said realtime) does the deadline decide which kind of waiting the work allows.
    const long = (policy.deadlineMs ?? Number.POSITIVE_INFINITY) >= thresholds.batchDeadlineMs;
    const verdict = policy.lane === 'batch' ? 'batchable' : policy.lane === 'flex' ? 'flex-able' : undefined;
    return {
      verdict: verdict ?? (long ? 'batchable' : 'flex-able'),
      reason: `the policy marks it deferrable (rule ${policy.rule}) and nothing shows a waiting person`,
    };
  }
  return {
    verdict: 'unknown',
    reason:
      'no sign of a waiting person, but no pipeline pattern either: it may be a system waiting synchronously',
  };
}

export function gatherEvidence(profile: WorkloadProfile, context: ClassifyContext): Evidence {
  const requests = profile.totals.requests;
  const arrival = profile.arrival.pattern(context.spanHours);
  const streamingShare = profile.streamKnownRequests
    ? profile.streamedRequests / profile.streamKnownRequests
    : null;
  const sessionShare = context.sourceCarriesSessions && requests ? profile.sessionRequests / requests : null;
  const endUserShare = context.sourceCarriesEndUsers && requests ? profile.endUserRequests / requests : null;
  const p50 = profile.latency.quantile(0.5);
  const p95 = profile.latency.quantile(0.95);
  const latency =
    p50 !== null && p95 !== null
      ? { p50Ms: p50, p95Ms: p95, knownShare: requests ? profile.latency.count / requests : 0 }
      : null;
  const spanDays = Math.max(1, context.spanHours / 24);

  const signals: Signal[] = [];
  const share = (value: number) => `${(value * 100).toFixed(value > 0 && value < 0.01 ? 1 : 0)}%`;
  const shareSignal = (name: string, value: number | null, what: string, distinct?: number) => {
    if (value === null) {
      signals.push({ name, reading: 'missing', text: `the source does not say ${what}` });
    } else {
      const count = distinct ? ` (${distinct >= 1000 ? '≥ 1,000' : distinct} distinct)` : '';
      signals.push({
        name,
        reading: value >= thresholds.personShare ? 'person' : 'neutral',
        text: `${share(value)} ${what}${count}`,
      });
    }
  };
  shareSignal('streaming', streamingShare, 'of requests streamed');
  shareSignal('sessions', sessionShare, 'of requests carry a session id', profile.sessions.size);
  shareSignal('end-users', endUserShare, 'of requests carry an end-user id', profile.endUsers.size);
  // Streaming is the one field every request has an answer to; when the source leaves it out
  // (and shows no session or end user either), nothing rules out a person waiting.
  if (
    profile.streamKnownRequests < requests / 2 &&
    profile.sessionRequests === 0 &&
    profile.endUserRequests === 0
  ) {
    signals.push({
      name: 'person-fields',
      reading: 'missing',
      text: 'no field tells whether a person waits (streaming, session, end user)',
    });
  }

  signals.push(...arrivalSignals(arrival, requests));
  if (latency) {
    const tolerant = latency.p50Ms >= thresholds.tolerantP50Ms || latency.p95Ms >= thresholds.tolerantP95Ms;
    signals.push({
      name: 'latency',
      reading: tolerant ? 'pipeline' : 'neutral',
      text: `observed latency p50 ${formatDuration(latency.p50Ms)}, p95 ${formatDuration(latency.p95Ms)}${
        tolerant ? ': answers already take tens of seconds' : ''
      }`,
    });
  } else {
    signals.push({ name: 'latency', reading: 'missing', text: 'the source records no latency' });
  }
  signals.push({
    name: 'volume',
    reading: requests < thresholds.minimumRequests ? 'missing' : 'neutral',
    text: `${requests.toLocaleString('en-US')} requests, ${(requests / spanDays).toFixed(requests / spanDays < 10 ? 1 : 0)} a day`,
  });
  if (profile.laneRequests.batch + profile.laneRequests.flex > 0) {
    signals.push({
      name: 'lane',
      reading: 'pipeline',
      text: `already ${share(profile.laneRequests.batch / Math.max(1, requests))} batch, ${share(profile.laneRequests.flex / Math.max(1, requests))} flex`,
    });
  }
  if (context.policy) {
    const policy = context.policy;
    signals.push({
      name: 'policy',
      reading:
        policy.rule === 'default' ? 'neutral' : policy.urgency === 'interactive' ? 'person' : 'pipeline',
      text: `policy rule ${policy.rule}: ${policy.urgency}${
        policy.deadlineMs ? `, deadline ${shortDuration(policy.deadlineMs)}` : ''
      } → ${policy.lane}`,
    });
  }

  return {
    requests,
    rows: profile.rows,
    streamingShare,
    sessionShare,
    endUserShare,
    distinctSessions: profile.sessions.size,
    distinctEndUsers: profile.endUsers.size,
    arrival,
    latency,
    lanes: { ...profile.laneRequests },
    requestsPerDay: requests / spanDays,
    policy: context.policy,
    signals,
  };
}

function arrivalSignals(arrival: ArrivalPattern, requests: number): Signal[] {
  const signals: Signal[] = [];
  const percent = (value: number) => `${Math.round(value * 100)}%`;
  const hour = (value: number) => `${String(value).padStart(2, '0')}:00`;
  const scheduled =
    arrival.activeDays >= 3 &&
    arrival.topHoursShare >= thresholds.scheduleShare &&
    arrival.daysAtTopHoursShare >= thresholds.scheduleDays;
  if (scheduled) {
    signals.push({
      name: 'schedule',
      reading: 'pipeline',
      text: `${percent(arrival.topHoursShare)} of requests between ${hour(arrival.topHours[0]!)} and ${hour((arrival.topHours[1]! + 1) % 24)} UTC, on ${arrival.activeDays} days`,
    });
  }
  if (arrival.intervalHours !== null && arrival.hourCoverage < thresholds.continuousCoverage) {
    signals.push({
      name: 'interval',
      reading: 'pipeline',
      text: `runs every ${arrival.intervalHours} h and is idle in between`,
    });
  }
  const bursty = arrival.burstShare >= thresholds.burstShare;
  if (bursty) {
    signals.push({
      name: 'bursts',
      reading: 'pipeline',
      text: `${percent(arrival.burstShare)} of requests arrive in bursts (up to ${Math.round(arrival.peakPerMinute)} a minute)`,
    });
  }
  const weekdayHeavy =
    arrival.weekdayToWeekend !== null && arrival.weekdayToWeekend >= thresholds.weekdayToWeekend;
  const inBusinessWindow = arrival.businessWindowShare >= thresholds.businessWindowShare;
  if (inBusinessWindow && weekdayHeavy && !bursty && !scheduled && requests >= thresholds.minimumRequests) {
    signals.push({
      name: 'business-hours',
      reading: 'person',
      text: `${percent(arrival.businessWindowShare)} of requests within a 10-hour working day (from ${hour(arrival.businessWindowStartHour)} UTC), weekdays ${formatRatio(arrival.weekdayToWeekend)}× busier than weekends, spread over many minutes: a conversational rhythm`,
    });
  }
  if (
    arrival.hourCoverage >= thresholds.continuousCoverage &&
    arrival.hourlyVariation <= thresholds.continuousVariation &&
    !inBusinessWindow
  ) {
    signals.push({
      name: 'continuous',
      reading: 'pipeline',
      text: `arrives steadily around the clock (${percent(arrival.hourCoverage)} of hours, hourly counts vary by ${percent(arrival.hourlyVariation)}), not on a working-day rhythm`,
    });
  }
  if (signals.length === 0) {
    signals.push({
      name: 'arrival',
      reading: 'neutral',
      text: `no schedule or bursts; active in ${percent(arrival.hourCoverage)} of hours on ${arrival.activeDays} days`,
    });
  }
  return signals;
}

function formatRatio(value: number | null): string {
  if (value === null) return '?';
  return Number.isFinite(value) ? value.toFixed(1) : '∞';
}

/** `24h`, `15m`, `90s`: a policy deadline as it would be written in the policy file. */
function shortDuration(milliseconds: number): string {
  if (milliseconds % 3_600_000 === 0) return `${milliseconds / 3_600_000}h`;
  if (milliseconds % 60_000 === 0) return `${milliseconds / 60_000}m`;
  return formatDuration(milliseconds);
}
