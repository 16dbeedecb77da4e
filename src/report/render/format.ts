import { formatUsd } from '../../prices/index.js';
import type { Analysis } from '../analyze.js';

export const usd = (nanoUsd: number): string => formatUsd(Math.round(nanoUsd));
export const count = (value: number): string => Math.round(value).toLocaleString('en-US');
export const percent = (value: number): string => `${Math.round(value * 100)}%`;
export const day = (epochMs: number): string => new Date(epochMs).toISOString().slice(0, 10);

/** `2026-10-26 → 2026-11-22 (28.0 days)` */
export function spanText(analysis: Analysis): string {
  if (analysis.rows === 0) return 'no usage';
  return `${day(analysis.span.firstAt)} → ${day(analysis.span.lastAt)} (${analysis.span.days.toFixed(1)} days)`;
}

/** `$0.12 (86 requests unpriced)` — unknown costs are named, never shown as part of a total. */
export function withUnpriced(nanoUsd: number, unpricedRequests: number): string {
  return unpricedRequests > 0 ? `${usd(nanoUsd)} (+${count(unpricedRequests)} unpriced)` : usd(nanoUsd);
}

export const deferrableFromText = (analysis: Analysis): string =>
  analysis.savings.deferrableFrom === 'policy'
    ? 'deferrable per the policy'
    : "deferrable per the finder's verdicts (batchable or flex-able; give --policy to use yours)";
