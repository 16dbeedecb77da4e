import { formatWindow, planLane, planSentence } from './plan.js';
import type { Policy, Urgency, WorkloadRule } from './types.js';

/** One row of `spendwall policy explain`: a policy entry and the lane it leads to. */
export interface ExplainRow {
  /** The name or glob as written, or `default` for the entry unlabeled traffic falls under. */
  workload: string;
  /** The entry's `description`: who waits, or why nobody does. */
  whoWaits: string;
  urgency: Urgency;
  lane: string;
  /** As written (`12h`); null for interactive work and for deferrable work without one. */
  deadline: string | null;
  /** One sentence: why this lane. */
  why: string;
}

/** The policy as rows: workloads in file order, then the default for everything else. */
export function explainPolicy(policy: Policy): ExplainRow[] {
  return [...policy.workloads, policy.default].map((rule) => row(rule.pattern, rule, policy));
}

function row(workload: string, rule: WorkloadRule, policy: Policy): ExplainRow {
  const plan = planLane(rule, policy.gateway.batchMinimumDeadlineMs);
  const fallback =
    plan.lane === 'flex'
      ? '; realtime where the model has no flex tier'
      : plan.lane === 'batch'
        ? '; requests that come synchronously run realtime (missed savings)'
        : '';
  return {
    workload,
    whoWaits: rule.description ?? (rule.urgency === 'interactive' ? 'a person' : '—'),
    urgency: rule.urgency,
    lane: plan.lane,
    deadline: rule.deadline ?? null,
    why: `It ${planSentence(plan)}${fallback}.`,
  };
}

/** The rows as a Markdown table, ready to paste into architecture docs. */
export function renderExplainMarkdown(policy: Policy): string {
  const header = ['workload', 'who waits', 'urgency', 'lane', 'deadline', 'why'];
  const lines = [
    `Routing policy from \`${policy.source}\` (batch from ${formatWindow(policy.gateway.batchMinimumDeadlineMs)}` +
      `${policy.gateway.enforce ? '; synchronous requests for batch work are refused' : ''}):`,
    '',
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
  ];
  for (const entry of explainPolicy(policy)) {
    const cells = [
      entry.workload === 'default'
        ? `default (unlabeled requests, counted as \`${policy.default.workload}\`, and names no entry matches)`
        : `\`${entry.workload}\``,
      entry.whoWaits,
      entry.urgency,
      entry.lane,
      entry.deadline ?? (entry.urgency === 'interactive' ? '—' : 'none'),
      entry.why,
    ];
    lines.push(`| ${cells.map(escapeCell).join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}
