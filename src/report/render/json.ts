import type { Analysis } from '../analyze.js';

/** Bump when a field changes meaning or goes away (adding fields does not). */
export const reportJsonVersion = 1;

/**
 * `spendwall report --json`: the same findings as the terminal and the files, for scripts.
 * Money is integer nano-USD (1e-9 USD) in fields ending in `NanoUsd`; unknown costs are counted
 * in `unpricedRequests`, never included as zero.
 */
export function renderJson(analysis: Analysis, sources: readonly string[], issues: number): unknown {
  const { totals, savings } = analysis;
  return {
    version: reportJsonVersion,
    sources,
    importIssues: issues,
    span: {
      from: new Date(analysis.span.firstAt).toISOString(),
      to: new Date(analysis.span.lastAt).toISOString(),
      days: Number(analysis.span.days.toFixed(3)),
    },
    rows: analysis.rows,
    pricedFromSourceRows: analysis.pricedFromSourceRows,
    totals: {
      requests: totals.requests,
      paidNanoUsd: totals.paid,
      unpricedRequests: totals.unpricedRequests,
      inputTokens: totals.inputTokens,
      outputTokens: totals.outputTokens,
    },
    savings: {
      realizedNanoUsd: savings.realized,
      realizedUnpricedRequests: savings.realizedUnpricedRequests,
      missedNanoUsd: savings.missed,
      missedRequests: savings.missedRequests,
      deferrableFrom: savings.deferrableFrom,
      deadlineFallbacks: {
        requests: savings.fallbacks.requests,
        paidNanoUsd: savings.fallbacks.paid,
        extraNanoUsd: savings.fallbacks.extra,
      },
    },
    unpriced: analysis.unpriced,
    workloads: analysis.findings.map((finding) => ({
      workload: finding.workload,
      groupedBy: finding.keySource,
      verdict: finding.verdict,
      reason: finding.reason,
      requests: finding.requests,
      paidNanoUsd: finding.paid,
      unpricedRequests: finding.unpricedRequests,
      realizedNanoUsd: finding.realized,
      estimatedMonthlySavingNanoUsd: finding.estimate.monthlyNanoUsd,
      estimate: finding.estimate,
      models: finding.models,
      teams: finding.teams,
      firstSeen: new Date(finding.firstAt).toISOString(),
      lastSeen: new Date(finding.lastAt).toISOString(),
      evidence: finding.evidence,
      examples: finding.examples,
    })),
    whatIf: analysis.whatIf,
    daily: analysis.daily,
    spend: analysis.spend,
  };
}
