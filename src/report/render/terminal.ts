import type { Analysis } from '../analyze.js';
import { count, deferrableFromText, spanText, usd, withUnpriced } from './format.js';

/** The terminal summary: totals, savings, the workloads table and, with a policy, the what-if. */
export function renderTerminal(analysis: Analysis, options: { topWorkloads?: number } = {}): string {
  const { totals, savings } = analysis;
  const lines: string[] = [];
  lines.push(`Spendwall spend review — ${spanText(analysis)}, ${count(totals.requests)} requests`);
  lines.push('');
  lines.push(
    table(
      [
        ['Spend', withUnpriced(totals.paid, totals.unpricedRequests), laneSplit(analysis)],
        ['Realized savings', usd(savings.realized), 'flex and batch requests, against their realtime price'],
        [
          'Missed savings',
          usd(savings.missed),
          `${count(savings.missedRequests)} realtime requests of workloads ${deferrableFromText(analysis)}, against the batch price`,
        ],
        [
          'Deadline fallbacks',
          `${count(savings.fallbacks.requests)} requests`,
          `${usd(savings.fallbacks.paid)} paid, ${usd(savings.fallbacks.extra)} more than their batch price`,
        ],
      ],
      [],
    ),
  );
  if (analysis.unpriced.length > 0) {
    lines.push('');
    lines.push(
      `Unpriced (not in any total): ${analysis.unpriced
        .slice(0, 5)
        .map((entry) => `${entry.provider}/${entry.model} ×${count(entry.requests)}`)
        .join(', ')}${analysis.unpriced.length > 5 ? ', …' : ''}`,
    );
  }

  const top = analysis.findings.slice(0, options.topWorkloads ?? 30);
  lines.push('');
  lines.push(
    table(
      top.map((finding) => [
        clip(finding.workload, 32),
        finding.verdict,
        count(finding.requests),
        withUnpriced(finding.paid, finding.unpricedRequests),
        finding.estimate.monthlyNanoUsd > 0 ? usd(finding.estimate.monthlyNanoUsd) : '—',
        clip(finding.reason, 90),
      ]),
      [
        'Workload',
        'Verdict',
        'Requests',
        `Paid (${analysis.span.days.toFixed(0)} d)`,
        'Saving / 30 d',
        'Why',
      ],
      [2, 3, 4],
    ),
  );
  if (analysis.findings.length > top.length) {
    lines.push(
      `… and ${analysis.findings.length - top.length} more workloads (see the Markdown or HTML report)`,
    );
  }
  const candidates = analysis.findings.filter((finding) => finding.estimate.monthlyNanoUsd > 0);
  const estimated = candidates.reduce((sum, finding) => sum + finding.estimate.monthlyNanoUsd, 0);
  lines.push('');
  lines.push(
    `Estimated saving: ${usd(estimated)} per 30 days from ${candidates.length} workloads ` +
      '(catalog batch/flex prices, models offering the lane only, observed traffic recurring).',
  );

  if (analysis.whatIf) {
    const whatIf = analysis.whatIf;
    lines.push('');
    lines.push(
      `What-if under the proposed policy: ${usd(whatIf.paid)} → ${usd(whatIf.projected)} over the history (saving ${usd(whatIf.saving)}, ${usd(whatIf.monthlySaving)} per 30 days)`,
    );
    lines.push(
      table(
        whatIf.workloads
          .slice(0, options.topWorkloads ?? 30)
          .map((workload) => [
            clip(workload.workload, 32),
            workload.rules.join(', '),
            laneMix(workload.lanes),
            usd(workload.paid),
            usd(workload.projected),
            usd(workload.saving),
            workload.delayText,
          ]),
        ['Workload', 'Rule', 'Lanes', 'Paid', 'Projected', 'Saving', 'Delay'],
        [3, 4, 5],
      ),
    );
  }
  return lines.map(printable).join('\n');
}

function laneSplit(analysis: Analysis): string {
  const byLane = { realtime: 0, flex: 0, batch: 0 };
  for (const day of analysis.daily) {
    byLane.realtime += day.realtime;
    byLane.flex += day.flex;
    byLane.batch += day.batch;
  }
  return `realtime ${usd(byLane.realtime)} · flex ${usd(byLane.flex)} · batch ${usd(byLane.batch)}`;
}

export function laneMix(lanes: Record<string, number>): string {
  const total = Object.values(lanes).reduce((sum, value) => sum + value, 0) || 1;
  return Object.entries(lanes)
    .filter(([, value]) => value > 0)
    .map(([lane, value]) => `${lane} ${Math.round((value / total) * 100)}%`)
    .join(', ');
}

function clip(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

/** Control characters from input data (line breaks aside) would move the cursor or recolour the terminal: shown as '?'. */
function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
  return text.replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, '?');
}

/** Columns padded to their widest cell; `rightAligned` are column indexes. */
function table(rows: string[][], header: string[], rightAligned: number[] = []): string {
  const all = (header.length ? [header, ...rows] : rows).map((row) => row.map(printable));
  const widths = all[0]?.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length))) ?? [];
  const line = (row: string[]) =>
    row
      .map((cell, column) =>
        column === row.length - 1
          ? cell
          : rightAligned.includes(column)
            ? cell.padStart(widths[column]!)
            : cell.padEnd(widths[column]!),
      )
      .join('  ')
      .trimEnd();
  return all.map(line).join('\n');
}
