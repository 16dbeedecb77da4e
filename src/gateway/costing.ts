/** nano-USD as the `x-spendwall-cost-usd` value: a decimal with 9 places, or `unknown`. */
export function formatCostHeader(nanoUsd: number | null): string {
  if (nanoUsd === null) return 'unknown';
  const whole = Math.floor(nanoUsd / 1e9);
  const fraction = String(nanoUsd % 1e9).padStart(9, '0');
  return `${whole}.${fraction}`;
}
