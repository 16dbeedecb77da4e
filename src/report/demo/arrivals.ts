import type { RandomSource } from '../../core/random.js';

const hourMs = 3_600_000;
const minuteMs = 60_000;

/** When a workload's requests arrive on one day (`dayStart` is 00:00 UTC). */
export type ArrivalPattern =
  /** People at work: weekdays, a working-day bell curve in UTC, a trickle at weekends. */
  | { kind: 'working-day'; perWeekday: number; weekendShare: number; fromHour: number; toHour: number }
  /** People around the world: every hour, busier in the daytime. */
  | { kind: 'global'; perDay: number }
  /** A timer: `count` requests spread over `minutes` from `hour:minute`, on some days. */
  | {
      kind: 'daily';
      hour: number;
      minute: number;
      count: number;
      minutes: number;
      weekdays?: readonly number[];
    }
  /** A timer every `everyHours` hours (from `offsetHour`), `count` requests over `minutes`. */
  | { kind: 'interval'; everyHours: number; offsetHour: number; count: number; minutes: number }
  /** One-off runs (a backfill) on given days of the history. */
  | { kind: 'one-off'; days: readonly number[]; hour: number; count: number; minutes: number }
  /** A queue consumer or event handler: requests all day and night at a steady rate. */
  | { kind: 'continuous'; perHour: number }
  /** A handful of requests at random times over the whole history. */
  | { kind: 'sporadic'; perDay: number }
  /** A probe: one request every `everyMinutes`. */
  | { kind: 'every'; everyMinutes: number };

/** Request start times for one day, unsorted; `scale` multiplies volumes (not timers). */
export function arrivalsOn(
  pattern: ArrivalPattern,
  /** Day of the history (0 = its first day). */
  dayOfHistory: number,
  dayStart: number,
  scale: number,
  random: RandomSource,
): number[] {
  const weekday = (Math.floor(dayStart / 86_400_000) + 4) % 7; // 1970-01-01 was a Thursday
  const times: number[] = [];
  switch (pattern.kind) {
    case 'working-day': {
      const weekend = weekday === 0 || weekday === 6;
      const count = poisson(pattern.perWeekday * scale * (weekend ? pattern.weekendShare : 1), random);
      const middle = (pattern.fromHour + pattern.toHour) / 2;
      const spread = (pattern.toHour - pattern.fromHour) / 4;
      for (let index = 0; index < count; index++) {
        const hour = clamp(middle + spread * gaussian(random), 0, 23.99);
        times.push(dayStart + hour * hourMs);
      }
      break;
    }
    case 'global': {
      const count = poisson(pattern.perDay * scale, random);
      for (let index = 0; index < count; index++) {
        // Busier between 08:00 and 20:00 UTC, never silent.
        const hour = random() < 0.65 ? 8 + random() * 12 : random() * 24;
        times.push(dayStart + hour * hourMs);
      }
      break;
    }
    case 'daily': {
      if (pattern.weekdays && !pattern.weekdays.includes(weekday)) break;
      spread(times, dayStart + pattern.hour * hourMs + pattern.minute * minuteMs, pattern, scale, random);
      break;
    }
    case 'interval': {
      for (let hour = pattern.offsetHour; hour < 24; hour += pattern.everyHours) {
        spread(times, dayStart + hour * hourMs, pattern, scale, random);
      }
      break;
    }
    case 'one-off': {
      if (pattern.days.includes(dayOfHistory))
        spread(times, dayStart + pattern.hour * hourMs, pattern, scale, random);
      break;
    }
    case 'continuous': {
      const count = poisson(pattern.perHour * 24 * scale, random);
      for (let index = 0; index < count; index++) times.push(dayStart + random() * 24 * hourMs);
      break;
    }
    case 'sporadic': {
      const count = poisson(pattern.perDay, random);
      for (let index = 0; index < count; index++) times.push(dayStart + random() * 24 * hourMs);
      break;
    }
    case 'every': {
      for (let minute = 0; minute < 24 * 60; minute += pattern.everyMinutes) {
        times.push(dayStart + minute * minuteMs + Math.floor(random() * 2000));
      }
      break;
    }
  }
  return times;
}

function spread(
  times: number[],
  start: number,
  pattern: { count: number; minutes: number },
  scale: number,
  random: RandomSource,
): void {
  const count = Math.max(1, Math.round(pattern.count * scale * (0.9 + 0.2 * random())));
  // A smaller run of the same job finishes sooner: the workers' concurrency does not change.
  const minutes = Math.max(2, pattern.minutes * Math.min(1, scale));
  for (let index = 0; index < count; index++) times.push(start + random() * minutes * minuteMs);
}

/** A Poisson draw (normal approximation above 50, exact below). */
export function poisson(mean: number, random: RandomSource): number {
  if (mean <= 0) return 0;
  if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(random)));
  const limit = Math.exp(-mean);
  let count = 0;
  let product = random();
  while (product > limit) {
    count++;
    product *= random();
  }
  return count;
}

/** A standard normal draw (Box–Muller). */
export function gaussian(random: RandomSource): number {
  const first = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(first)) * Math.cos(2 * Math.PI * random());
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
