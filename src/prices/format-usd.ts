/**
 * Nano-USD as dollars for summaries and the dashboard. Amounts of a dollar or more show cents
 * (`$1,234.57`); smaller ones keep four significant digits (`$0.01235`, `$0.000001234`),
 * because a dry run or a small job costing fractions of a cent would otherwise read `$0.00` and
 * hide the difference between lanes. Integer arithmetic throughout, so nothing drifts; `bigint`
 * is accepted for totals beyond 2^53 nano-USD (about $9 million).
 */
export function formatUsd(nanoUsd: number | bigint): string {
  if (typeof nanoUsd === 'number' && !Number.isSafeInteger(nanoUsd)) {
    throw new RangeError(`formatUsd expects whole nano-USD, got ${nanoUsd}`);
  }
  const amount = BigInt(nanoUsd);
  const sign = amount < 0n ? '-' : '';
  const magnitude = amount < 0n ? -amount : amount;
  return sign + formatMagnitude(magnitude);
}

const nanoPerDollar = 1_000_000_000n;
const significantDigits = 4;

function formatMagnitude(nano: bigint): string {
  if (nano === 0n) return '$0.00';
  if (nano < nanoPerDollar) {
    // Decimal places that keep four significant digits: 12,345,678 nano ($0.0123…) needs 5.
    const leadingPlace = 10 - nano.toString().length; // 1-based place of the first digit
    const decimals = Math.min(9, leadingPlace + significantDigits - 1);
    const unit = 10n ** BigInt(9 - decimals);
    const rounded = roundHalfUp(nano, unit);
    if (rounded < nanoPerDollar) return `$${fraction(rounded, decimals)}`;
  }
  const cents = roundHalfUp(nano, 10_000_000n) / 10_000_000n;
  const dollars = (cents / 100n).toLocaleString('en-US');
  return `$${dollars}.${(cents % 100n).toString().padStart(2, '0')}`;
}

/** `nano` rounded half up to a multiple of `unit`. */
function roundHalfUp(nano: bigint, unit: bigint): bigint {
  return ((nano + unit / 2n) / unit) * unit;
}

/** `0.` and the fraction of a sub-dollar amount, trailing zeros trimmed down to two places. */
function fraction(nano: bigint, decimals: number): string {
  const digits = nano.toString().padStart(9, '0').slice(0, decimals);
  return `0.${digits.replace(/0+$/, '').padEnd(2, '0')}`;
}
