import { ConfigError } from '../../core/errors.js';
import { loadPolicy, routeRequest } from '../../policy/index.js';
import { analyzeUsage } from '../../report/analyze.js';
import { openSources } from '../../report/sources.js';
import type { ImportIssue } from '../../report/usage-record.js';
import type { Router } from '../../report/what-if/replay.js';
import { writeReport } from '../../report/write-report.js';
import type { ReportFlags } from './report.js';

/** `spendwall report`: loaded only when the command runs (see report.ts). */
export async function reportCommand(flags: ReportFlags): Promise<void> {
  const imports = flags.import ?? [];
  if (imports.length === 0 && !flags.ledger) {
    throw new ConfigError(
      'nothing to read: give --import FORMAT:PATH (repeatable) or --ledger, or try `spendwall demo`',
      {
        place: 'spendwall report',
      },
    );
  }
  const route = flags.policy ? await routerFor(flags.policy) : undefined;
  const sources = openSources({
    imports,
    ledger: flags.ledger ?? false,
    database: flags.database,
  });
  const analysis = await analyzeUsage(sources.records, route ? { route } : {});
  reportIssues(sources.issues, sources.issueCount());
  await writeReport(analysis, {
    json: flags.json ?? false,
    outDir: flags.files ? flags.outDir : null,
    sources: sources.names,
    issues: sources.issueCount(),
  });
}

export async function routerFor(path: string): Promise<Router> {
  const policy = await loadPolicy(path);
  return (input) => routeRequest(policy, input);
}

/** Rows left out are named on stderr (the first five), so stdout stays the report. */
export function reportIssues(issues: readonly ImportIssue[], total: number): void {
  if (total === 0) return;
  for (const issue of issues.slice(0, 5))
    console.error(`spendwall: ${issue.path} ${issue.position}: ${issue.message}`);
  console.error(`spendwall: ${total} row(s) left out of the report${total > 5 ? ' (first 5 shown)' : ''}`);
}
