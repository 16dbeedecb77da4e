/** Value formats of the FOCUS CSV: decimals without exponent, dates in ISO 8601 UTC. */

/** Integer nano-USD as an exact decimal string of USD: 412500 → `0.0004125`. */
export function decimalUsd(nanoUsd: number): string {
  const sign = nanoUsd < 0 ? '-' : '';
  const magnitude = Math.abs(nanoUsd);
  const whole = Math.floor(magnitude / 1e9);
  const fraction = String(magnitude - whole * 1e9)
    .padStart(9, '0')
    .replace(/0+$/, '');
  return fraction === '' ? `${sign}${whole}` : `${sign}${whole}.${fraction}`;
}

/** `2026-11-02T00:00:00Z`: FOCUS dates are ISO 8601 in UTC, here without milliseconds. */
export function isoUtc(time: number): string {
  return new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const dayMs = 86_400_000;

/** The UTC day holding `time`: [start, end). */
export function dayOf(time: number): { start: number; end: number } {
  const start = Math.floor(time / dayMs) * dayMs;
  return { start, end: start + dayMs };
}

/** The UTC calendar month holding `time`: [start, end), the billing period of both providers. */
export function monthOf(time: number): { start: number; end: number } {
  const date = new Date(time);
  return {
    start: Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1),
    end: Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1),
  };
}

/** A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
