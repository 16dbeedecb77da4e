import type { Analysis, WorkloadFinding } from '../analyze.js';
import { spendByWorkloadLaneModelTeam } from '../views/spend-by-day.js';
import { laneDelays } from '../what-if/lane-delays.js';
import { escapeMarkdown as md } from './escape.js';
import { count, deferrableFromText, spanText, usd, withUnpriced } from './format.js';
import { laneMix } from './terminal.js';

const breakdownRows = 40;

/** `spendwall-report.md`: the whole review as Markdown, for a pull request or a wiki page. */
export function renderMarkdown(analysis: Analysis, sources: readonly string[]): string {
  const { totals, savings } = analysis;
  const out: string[] = [];
  out.push('# Spendwall spend review', '');
  out.push(
    `${md(spanText(analysis))}; ${count(totals.requests)} requests from ${sources.map(md).join(', ') || 'no source'}.`,
    '',
  );
  out.push('## Spend and savings', '');
  out.push('| | amount | what it is |', '|---|---:|---|');
  out.push(
    `| Spend | ${md(withUnpriced(totals.paid, totals.unpricedRequests))} | ${md(laneTotals(analysis))} |`,
  );
  out.push(
    `| Realized savings | ${usd(savings.realized)} | flex and batch requests, against their realtime price |`,
  );
  out.push(
    `| Missed savings | ${usd(savings.missed)} | ${count(savings.missedRequests)} realtime requests of workloads ${md(deferrableFromText(analysis))}, against the batch price |`,
  );
  out.push(
    `| Deadline fallbacks | ${count(savings.fallbacks.requests)} requests | ${usd(savings.fallbacks.paid)} paid, ${usd(savings.fallbacks.extra)} more than their batch price |`,
  );
  if (analysis.unpriced.length > 0) {
    out.push(
      '',
      `Unpriced requests (in no total, never counted as $0): ${analysis.unpriced.map((entry) => `${md(`${entry.provider}/${entry.model}`)} ×${count(entry.requests)}`).join(', ')}.`,
    );
  }

  const candidates = analysis.findings.filter((finding) => finding.estimate.monthlyNanoUsd > 0);
  out.push('', '## Batch and flex candidates', '');
  if (candidates.length === 0) out.push('No workload shows enough evidence to move.');
  for (const finding of candidates) out.push(...candidateSection(finding));

  out.push('', '## All workloads', '');
  out.push(
    '| workload | grouped by | verdict | requests | paid | saving / 30 days | why |',
    '|---|---|---|---:|---:|---:|---|',
  );
  for (const finding of analysis.findings) {
    out.push(
      `| ${md(finding.workload)} | ${finding.keySource} | ${finding.verdict} | ${count(finding.requests)} | ${md(withUnpriced(finding.paid, finding.unpricedRequests))} | ${finding.estimate.monthlyNanoUsd > 0 ? usd(finding.estimate.monthlyNanoUsd) : '—'} | ${md(finding.reason)} |`,
    );
  }

  const breakdown = spendByWorkloadLaneModelTeam(analysis.spend);
  out.push('', '## Spend by workload, lane, model and team', '');
  out.push('| workload | lane | model | team | requests | paid |', '|---|---|---|---|---:|---:|');
  for (const cell of breakdown.slice(0, breakdownRows)) {
    out.push(
      `| ${md(cell.workload)} | ${cell.lane} | ${md(`${cell.provider}/${cell.model}`)} | ${md(cell.team || '—')} | ${count(cell.requests)} | ${md(withUnpriced(cell.paid, cell.unpricedRequests))} |`,
    );
  }
  if (breakdown.length > breakdownRows) {
    out.push(
      '',
      `${breakdown.length - breakdownRows} smaller rows not shown; \`--json\` has every day × workload × lane × model × team cell.`,
    );
  }

  if (analysis.whatIf) {
    const whatIf = analysis.whatIf;
    out.push('', '## What-if: the proposed policy', '');
    out.push(
      `Over the history: ${usd(whatIf.paid)} paid → ${usd(whatIf.projected)} projected, saving ${usd(whatIf.saving)} (${usd(whatIf.monthlySaving)} per 30 days).`,
      '',
    );
    out.push(
      '| workload | rule | lanes | paid | projected | saving | delay |',
      '|---|---|---|---:|---:|---:|---|',
    );
    for (const workload of whatIf.workloads) {
      out.push(
        `| ${md(workload.workload)} | ${md(workload.rules.join(', '))} | ${laneMix(workload.lanes)} | ${usd(workload.paid)} | ${usd(workload.projected)} | ${usd(workload.saving)} | ${md(workload.delayText)} |`,
      );
    }
    out.push('', ...whatIf.assumptions.map((assumption) => `- ${md(assumption)}`));
  }

  out.push('', '## Assumptions', '');
  out.push(
    '- Costs are what the source reports where it does; otherwise the Spendwall price catalog prices the tokens.',
    '- Savings estimates price realtime requests at the catalog batch (or flex) price, only for models that offer that lane, projected to 30 days from the observed span.',
    `- Delays: batch ${md(laneDelays.batch.text)}; flex ${md(laneDelays.flex.text)}.`,
    '- Hours of day are UTC; a working-day rhythm is looked for in any 10-hour window, so the time zone does not matter.',
    '- A workload showing streaming, sessions, end users or a working-day conversational rhythm is never recommended for a move.',
  );
  return `${out.join('\n')}\n`;
}

function candidateSection(finding: WorkloadFinding): string[] {
  return [
    `### ${md(finding.workload)}: ${finding.verdict}, ${usd(finding.estimate.monthlyNanoUsd)} per 30 days`,
    '',
    `${md(finding.reason)}. ${count(finding.requests)} requests, ${md(withUnpriced(finding.paid, finding.unpricedRequests))} paid; models ${md(finding.models.join(', '))}.`,
    '',
    ...finding.evidence.signals.map(
      (signal) => `- **${signal.reading}** (${md(signal.name)}): ${md(signal.text)}`,
    ),
    ...finding.estimate.assumptions.map((assumption) => `- *assumes* ${md(assumption)}`),
    '',
  ];
}

function laneTotals(analysis: Analysis): string {
  const byLane = { realtime: 0, flex: 0, batch: 0 };
  for (const day of analysis.daily) {
    byLane.realtime += day.realtime;
    byLane.flex += day.flex;
    byLane.batch += day.batch;
  }
  return `realtime ${usd(byLane.realtime)} · flex ${usd(byLane.flex)} · batch ${usd(byLane.batch)}`;
}
