import type { WorkloadRule } from './types.js';

/**
 * Which `workloads:` entry a workload label falls under. The most specific entry wins:
 * 1. an exact name (no `*`) beats any glob;
 * 2. among globs, the one with more literal (non-`*`) characters wins: `eval-nightly-*` beats
 *    `eval-*`, which beats `*`;
 * 3. equally specific globs: the one written first in the file wins.
 * `*` stands for any run of characters, none included; everything else matches itself, case
 * and all. Returns `undefined` when nothing matches (the policy's `default` applies).
 */
export function matchWorkload(rules: readonly WorkloadRule[], workload: string): WorkloadRule | undefined {
  let best: { rule: WorkloadRule; rank: number } | undefined;
  for (const rule of rules) {
    if (!globMatches(rule.pattern, workload)) continue;
    const rank = specificity(rule.pattern);
    // Strictly greater: on a tie the earlier entry stays.
    if (!best || rank > best.rank) best = { rule, rank };
  }
  return best?.rule;
}

/** Exact names rank above every glob; globs rank by their count of literal characters. */
export function specificity(pattern: string): number {
  const literal = pattern.replaceAll('*', '').length;
  return pattern.includes('*') ? literal : Number.MAX_SAFE_INTEGER;
}

export function globMatches(pattern: string, workload: string): boolean {
  if (!pattern.includes('*')) return pattern === workload;
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 's').test(workload);
}
