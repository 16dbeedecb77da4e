/**
 * When a workload's requests arrived, kept in hour buckets: the count and which of the hour's
 * 60 minutes saw a request (a 60-bit mask in two integers). Memory grows with the hours the
 * history spans (720 for 30 days), not with its rows, and is enough to tell a schedule (same hours
 * every day, regular gaps), a burst (many requests per active minute) and a working-day rhythm.
 */
interface HourBucket {
  count: number;
  /** Minutes 0–29 of the hour that saw a request. */
  low: number;
  /** Minutes 30–59. */
  high: number;
}

const hourMs = 3_600_000;
const dayHours = 24;

export class ArrivalRecorder {
  readonly #hours = new Map<number, HourBucket>();

  add(startedAt: number, requests: number): void {
    const hourIndex = Math.floor(startedAt / hourMs);
    let bucket = this.#hours.get(hourIndex);
    if (!bucket) {
      bucket = { count: 0, low: 0, high: 0 };
      this.#hours.set(hourIndex, bucket);
    }
    bucket.count += requests;
    const minute = Math.floor((startedAt - hourIndex * hourMs) / 60_000);
    if (minute < 30) bucket.low |= 1 << minute;
    else bucket.high |= 1 << (minute - 30);
  }

  /** Features of the arrival pattern; `spanHours` is the whole history's span, not this workload's. */
  pattern(spanHours: number): ArrivalPattern {
    const buckets = [...this.#hours.entries()].sort((left, right) => left[0] - right[0]);
    const total = buckets.reduce((sum, [, bucket]) => sum + bucket.count, 0);
    const hourOfDay = new Array<number>(dayHours).fill(0);
    const days = new Map<number, Set<number>>();
    let weekdayRequests = 0;
    let weekendRequests = 0;
    const weekdays = new Set<number>();
    const weekendDays = new Set<number>();
    let burstRequests = 0;
    let activeMinutes = 0;
    let peakPerMinute = 0;
    let squares = 0;
    for (const [hourIndex, bucket] of buckets) {
      squares += bucket.count * bucket.count;
      const hour = hourIndex % dayHours;
      const day = Math.floor(hourIndex / dayHours);
      hourOfDay[hour]! += bucket.count;
      let hours = days.get(day);
      if (!hours) {
        hours = new Set();
        days.set(day, hours);
      }
      hours.add(hour);
      // 1970-01-01 was a Thursday: day 0 → 4 (Sunday = 0).
      const weekday = (day + 4) % 7;
      if (weekday === 0 || weekday === 6) {
        weekendRequests += bucket.count;
        weekendDays.add(day);
      } else {
        weekdayRequests += bucket.count;
        weekdays.add(day);
      }
      const minutes = popCount(bucket.low) + popCount(bucket.high);
      activeMinutes += minutes;
      const perMinute = bucket.count / minutes;
      peakPerMinute = Math.max(peakPerMinute, perMinute);
      if (perMinute >= burstPerMinute && bucket.count >= burstMinimum) burstRequests += bucket.count;
    }

    const [topStart, topShare] = bestWindow(hourOfDay, total, 2);
    const topHours = [topStart, (topStart + 1) % dayHours];
    const daysAtTopHours = [...days.values()].filter((hours) =>
      topHours.some((hour) => hours.has(hour)),
    ).length;
    const [businessStart, businessShare] = bestWindow(hourOfDay, total, 10);
    const spanDays = spanHours / dayHours;
    const weekdayCount = Math.max(1, Math.round((spanDays * 5) / 7));
    const weekendCount = Math.max(1, Math.round((spanDays * 2) / 7));

    const hours = Math.max(1, spanHours, buckets.length);
    const mean = total / hours;
    const variance = Math.max(0, squares / hours - mean * mean);

    return {
      activeHours: buckets.length,
      hourlyVariation: mean > 0 ? Math.sqrt(variance) / mean : 0,
      activeDays: days.size,
      activeMinutes,
      hourCoverage: spanHours > 0 ? Math.min(1, buckets.length / spanHours) : 0,
      hourOfDay,
      topHours,
      topHoursShare: topShare,
      daysAtTopHoursShare: days.size ? daysAtTopHours / days.size : 0,
      businessWindowStartHour: businessStart,
      businessWindowShare: businessShare,
      // Needs a full week to mean anything.
      weekdayToWeekend:
        spanDays >= 7
          ? weekendRequests === 0
            ? weekdayRequests > 0
              ? Number.POSITIVE_INFINITY
              : 1
            : weekdayRequests / weekdayCount / (weekendRequests / weekendCount)
          : null,
      burstShare: total ? burstRequests / total : 0,
      requestsPerActiveMinute: activeMinutes ? total / activeMinutes : 0,
      peakPerMinute,
      intervalHours: regularInterval(substantialHours(buckets)),
    };
  }
}

/** Requests per active minute, within an hour, from which that hour counts as a burst. */
export const burstPerMinute = 10;
const burstMinimum = 30;

export interface ArrivalPattern {
  activeHours: number;
  activeDays: number;
  activeMinutes: number;
  /** Share of the history's hours in which this workload sent anything (1 = around the clock). */
  hourCoverage: number;
  /** Standard deviation over mean of requests per hour, idle hours included: low for a steady stream. */
  hourlyVariation: number;
  /** Requests per UTC hour of day. */
  hourOfDay: number[];
  /** The two consecutive hours of day with the most requests, and their share. */
  topHours: number[];
  topHoursShare: number;
  /** Of the days the workload ran, the share on which it ran in those two hours. */
  daysAtTopHoursShare: number;
  /** The busiest 10-hour window of the day (a working day in some time zone) and its share. */
  businessWindowStartHour: number;
  businessWindowShare: number;
  /** Requests per weekday over requests per weekend day; `null` when the history is under a week. */
  weekdayToWeekend: number | null;
  /** Share of requests in hours averaging ≥ 10 requests per active minute. */
  burstShare: number;
  requestsPerActiveMinute: number;
  peakPerMinute: number;
  /** The gap between runs when the workload runs at regular intervals, else `null`. */
  intervalHours: number | null;
}

/** Start hour and share of the busiest `width` consecutive hours of the day (wrapping midnight). */
function bestWindow(hourOfDay: readonly number[], total: number, width: number): [number, number] {
  let best = 0;
  let bestStart = 0;
  for (let start = 0; start < dayHours; start++) {
    let sum = 0;
    for (let offset = 0; offset < width; offset++) sum += hourOfDay[(start + offset) % dayHours]!;
    if (sum > best) {
      best = sum;
      bestStart = start;
    }
  }
  return [bestStart, total ? best / total : 0];
}

/**
 * Hours that carry a real share of the work: a timer's runs, not the odd manual re-run or retry
 * between them (at least a fifth of the 90th-percentile hour).
 */
function substantialHours(buckets: readonly [number, HourBucket][]): number[] {
  const counts = buckets.map(([, bucket]) => bucket.count).sort((left, right) => left - right);
  const high = counts[Math.floor(counts.length * 0.9)] ?? 0;
  const floor = Math.max(2, high / 5);
  return buckets.filter(([, bucket]) => bucket.count >= floor).map(([hourIndex]) => hourIndex);
}

/**
 * Runs are maximal stretches of consecutive active hours. When there are at least four and the
 * gaps between their starts agree (80% within an hour of the median), the workload runs on a
 * timer; the median gap is its interval.
 */
function regularInterval(activeHours: readonly number[]): number | null {
  const starts: number[] = [];
  for (let index = 0; index < activeHours.length; index++) {
    if (index === 0 || activeHours[index]! - activeHours[index - 1]! > 1) starts.push(activeHours[index]!);
  }
  if (starts.length < 4) return null;
  const gaps = starts.slice(1).map((start, index) => start - starts[index]!);
  const sorted = [...gaps].sort((left, right) => left - right);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  if (median < 2) return null;
  const agreeing = gaps.filter((gap) => Math.abs(gap - median) <= 1).length;
  return agreeing / gaps.length >= 0.8 ? median : null;
}

function popCount(value: number): number {
  let bits = value - ((value >>> 1) & 0x55555555);
  bits = (bits & 0x33333333) + ((bits >>> 2) & 0x33333333);
  return (((bits + (bits >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
