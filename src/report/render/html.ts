import type { Analysis, WorkloadFinding } from '../analyze.js';
import type { Reading } from '../finder/evidence.js';
import { spendByWorkloadLaneModelTeam } from '../views/spend-by-day.js';
import { laneDelays } from '../what-if/lane-delays.js';
import { escapeHtml as esc } from './escape.js';
import { count, deferrableFromText, spanText, usd, withUnpriced } from './format.js';
import { barsChart, laneColors, spendByLaneChart } from './svg-charts.js';
import { laneMix } from './terminal.js';

/**
 * `spendwall-report.html`: one self-contained file (inline CSS and SVG, no script, no external
 * asset, no server). Every string that came from input data goes through `esc`.
 */
export function renderHtml(analysis: Analysis, sources: readonly string[]): string {
  const { totals, savings } = analysis;
  const candidates = analysis.findings.filter((finding) => finding.estimate.monthlyNanoUsd > 0);
  const estimated = candidates.reduce((sum, finding) => sum + finding.estimate.monthlyNanoUsd, 0);
  const savingsChart = barsChart('savings', [
    {
      label: 'Realized',
      nanoUsd: savings.realized,
      color: laneColors.batch,
      note: 'flex + batch vs realtime',
    },
    { label: 'Missed', nanoUsd: savings.missed, color: '#e8590c', note: 'deferrable work run realtime' },
    {
      label: 'Estimated / 30 days',
      nanoUsd: estimated,
      color: '#7048e8',
      note: `${candidates.length} candidate workloads`,
    },
  ]);

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>Spendwall spend review</title>
<style>${styles}</style>
</head>
<body>
<header>
<h1>Spendwall spend review</h1>
<p class="sub">${esc(spanText(analysis))} · ${count(totals.requests)} requests · ${esc(sources.join(', ') || 'no source')}</p>
</header>
<section class="cards">
${card('Spend', usd(totals.paid), totals.unpricedRequests > 0 ? `all lanes; ${count(totals.unpricedRequests)} requests unpriced (not included)` : 'all lanes, over the history')}
${card('Realized savings', usd(savings.realized), 'flex and batch requests against their realtime price')}
${card('Missed savings', usd(savings.missed), `${count(savings.missedRequests)} realtime requests of workloads ${deferrableFromText(analysis)}`)}
${card('Estimated saving', `${usd(estimated)} / 30 days`, `moving ${candidates.length} candidate workloads`)}
${card('Deadline fallbacks', `${count(savings.fallbacks.requests)} requests`, `${usd(savings.fallbacks.extra)} more than their batch price`)}
</section>
<section>
<h2>Spend over time by lane</h2>
${spendByLaneChart(analysis.daily)}
</section>
<section>
<h2>Realized vs missed savings</h2>
${savingsChart}
</section>
${analysis.unpriced.length > 0 ? `<p class="warn">Unpriced requests (in no total, never counted as $0): ${analysis.unpriced.map((entry) => `${esc(`${entry.provider}/${entry.model}`)} ×${count(entry.requests)}`).join(', ')}</p>` : ''}
<section>
<h2>Top candidates</h2>
${candidates.length === 0 ? '<p>No workload shows enough evidence to move.</p>' : candidateTable(candidates)}
</section>
<section>
<h2>All workloads</h2>
${workloadTable(analysis.findings, analysis.span.days)}
</section>
<section>
<h2>Spend by workload, lane, model and team</h2>
${breakdownTable(analysis)}
</section>
${analysis.whatIf ? whatIfSection(analysis) : ''}
<section class="notes">
<h2>Assumptions</h2>
<ul>
<li>Costs are what the source reports where it does; otherwise the Spendwall price catalog prices the tokens. Unknown models are unpriced, never $0.</li>
<li>Estimated savings price realtime requests at the catalog batch (or flex) price, only for models offering that lane, projected to 30 days from the observed span.</li>
<li>Delays: batch ${esc(laneDelays.batch.text)}; flex ${esc(laneDelays.flex.text)}.</li>
<li>A workload showing streaming, sessions, end users or a working-day conversational rhythm is never recommended for a move. Hours are UTC.</li>
</ul>
</section>
</body>
</html>
`;
}

function card(title: string, value: string, note: string): string {
  return `<div class="card"><div class="card-title">${esc(title)}</div><div class="card-value">${esc(value)}</div><div class="card-note">${esc(note)}</div></div>`;
}

const readingLabels: Record<Reading, string> = {
  person: 'person',
  pipeline: 'pipeline',
  neutral: 'neutral',
  missing: 'missing',
};

function evidenceList(finding: WorkloadFinding): string {
  return `<ul class="evidence">${finding.evidence.signals
    .map(
      (signal) =>
        `<li><span class="badge ${signal.reading}">${readingLabels[signal.reading]}</span> ${esc(signal.text)}</li>`,
    )
    .join('')}</ul>`;
}

function candidateTable(candidates: readonly WorkloadFinding[]): string {
  const rows = candidates
    .slice(0, 20)
    .map(
      (
        finding,
      ) => `<tr class="candidate" data-workload="${esc(finding.workload)}" data-verdict="${finding.verdict}">
<td><strong>${esc(finding.workload)}</strong><div class="small">${esc(finding.models.join(', '))}</div></td>
<td><span class="verdict ${finding.verdict}">${finding.verdict}</span></td>
<td class="num">${count(finding.requests)}</td>
<td class="num">${esc(withUnpriced(finding.paid, finding.unpricedRequests))}</td>
<td class="num strong">${esc(usd(finding.estimate.monthlyNanoUsd))}</td>
<td>${esc(finding.reason)}${evidenceList(finding)}<div class="small">assumes: ${esc(finding.estimate.assumptions.join('; '))}</div></td>
</tr>`,
    )
    .join('\n');
  return `<table class="candidates"><thead><tr><th>Workload</th><th>Verdict</th><th>Requests</th><th>Paid</th><th>Saving / 30 days</th><th>Evidence</th></tr></thead><tbody>
${rows}
</tbody></table>`;
}

function workloadTable(findings: readonly WorkloadFinding[], days: number): string {
  const rows = findings
    .map(
      (
        finding,
      ) => `<tr class="workload" data-workload="${esc(finding.workload)}" data-verdict="${finding.verdict}">
<td>${esc(finding.workload)}<div class="small">grouped by ${finding.keySource}</div></td>
<td><span class="verdict ${finding.verdict}">${finding.verdict}</span></td>
<td class="num">${count(finding.requests)}</td>
<td class="num">${esc(withUnpriced(finding.paid, finding.unpricedRequests))}</td>
<td class="num">${finding.estimate.monthlyNanoUsd > 0 ? esc(usd(finding.estimate.monthlyNanoUsd)) : '—'}</td>
<td>${esc(finding.reason)}<details><summary>evidence</summary>${evidenceList(finding)}</details></td>
</tr>`,
    )
    .join('\n');
  return `<table class="workloads"><thead><tr><th>Workload</th><th>Verdict</th><th>Requests</th><th>Paid (${days.toFixed(0)} days)</th><th>Saving / 30 days</th><th>Why</th></tr></thead><tbody>
${rows}
</tbody></table>`;
}

function breakdownTable(analysis: Analysis): string {
  const rows = spendByWorkloadLaneModelTeam(analysis.spend)
    .slice(0, 60)
    .map(
      (cell) =>
        `<tr class="spend"><td>${esc(cell.workload)}</td><td>${cell.lane}</td><td>${esc(`${cell.provider}/${cell.model}`)}</td><td>${esc(cell.team || '—')}</td><td class="num">${count(cell.requests)}</td><td class="num">${esc(withUnpriced(cell.paid, cell.unpricedRequests))}</td></tr>`,
    )
    .join('\n');
  return `<details><summary>the 60 largest (JSON output: every day × workload × lane × model × team)</summary><table class="spend"><thead><tr><th>Workload</th><th>Lane</th><th>Model</th><th>Team</th><th>Requests</th><th>Paid</th></tr></thead><tbody>
${rows}
</tbody></table></details>`;
}

function whatIfSection(analysis: Analysis): string {
  const whatIf = analysis.whatIf!;
  const rows = whatIf.workloads
    .map(
      (workload) => `<tr class="what-if" data-workload="${esc(workload.workload)}">
<td>${esc(workload.workload)}</td><td>${esc(workload.rules.join(', '))}</td><td>${esc(laneMix(workload.lanes))}</td>
<td class="num">${esc(usd(workload.paid))}</td><td class="num">${esc(usd(workload.projected))}</td><td class="num strong">${esc(usd(workload.saving))}</td>
<td>${esc(workload.delayText)}</td></tr>`,
    )
    .join('\n');
  return `<section>
<h2>What-if: the proposed policy</h2>
<p>Over the history: ${esc(usd(whatIf.paid))} paid → ${esc(usd(whatIf.projected))} projected, saving ${esc(usd(whatIf.saving))} (${esc(usd(whatIf.monthlySaving))} per 30 days).</p>
<table class="what-if"><thead><tr><th>Workload</th><th>Rule</th><th>Lanes</th><th>Paid</th><th>Projected</th><th>Saving</th><th>Delay</th></tr></thead><tbody>
${rows}
</tbody></table>
<ul class="small">${whatIf.assumptions.map((assumption) => `<li>${esc(assumption)}</li>`).join('')}</ul>
</section>`;
}

const styles = `
:root{color-scheme:light;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#212529;background:#f8f9fa}
body{margin:0 auto;max-width:1100px;padding:24px}
h1{margin:0;font-size:26px}h2{font-size:18px;margin:28px 0 10px}
.sub{color:#6c757d;margin:4px 0 0}
.cards{display:grid;grid-template-columns:repeat(5,1fr);gap:12px;margin-top:20px}
.card{background:#fff;border:1px solid #dee2e6;border-radius:8px;padding:12px}
.card-title{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:#6c757d}
.card-value{font-size:20px;font-weight:600;margin:6px 0}
.card-note{font-size:12px;color:#868e96}
section>svg{background:#fff;border:1px solid #dee2e6;border-radius:8px}
svg .axis,svg .legend,svg .note{font-size:11px;fill:#868e96}svg .label{font-size:13px;fill:#343a40}svg .amount{font-size:13px;font-weight:600;fill:#343a40}
table{width:100%;border-collapse:collapse;background:#fff;border:1px solid #dee2e6;border-radius:8px;font-size:13px}
th,td{padding:8px 10px;border-bottom:1px solid #f1f3f5;text-align:left;vertical-align:top}
th{background:#f1f3f5;font-weight:600}
.num{text-align:right;white-space:nowrap}.strong{font-weight:600}
.small{font-size:11px;color:#868e96;margin-top:2px}
.verdict{display:inline-block;padding:2px 8px;border-radius:10px;font-size:12px;font-weight:600;white-space:nowrap}
.verdict.batchable{background:#d3f9d8;color:#2b8a3e}.verdict.flex-able{background:#fff3bf;color:#e67700}
.verdict.interactive{background:#dbe4ff;color:#364fc7}.verdict.unknown{background:#e9ecef;color:#495057}
.evidence{margin:6px 0 0;padding-left:0;list-style:none}.evidence li{margin:2px 0}
.badge{display:inline-block;min-width:56px;text-align:center;font-size:10px;border-radius:4px;padding:1px 4px;margin-right:4px}
.badge.person{background:#dbe4ff;color:#364fc7}.badge.pipeline{background:#d3f9d8;color:#2b8a3e}
.badge.neutral{background:#f1f3f5;color:#495057}.badge.missing{background:#fff5f5;color:#c92a2a}
.warn{background:#fff9db;border:1px solid #ffe066;border-radius:6px;padding:8px 12px;font-size:13px}
details summary{cursor:pointer;color:#4263eb;font-size:12px}
.notes{font-size:13px;color:#495057}
`;
