import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.js';
import { loadPolicy, routeRequest } from '../../policy/index.js';
import { analyzeUsage } from '../../report/analyze.js';
import { openSources } from '../../report/sources.js';
import type { ImportIssue } from '../../report/usage-record.js';
import type { Router } from '../../report/what-if/replay.js';
import { writeReport } from '../../report/write-report.js';

interface ReportFlags {
  import?: string[];
  ledger?: boolean;
  database?: string;
  policy?: string;
  json?: boolean;
  outDir: string;
  files: boolean;
}

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description(
      'Spend review: spend by lane, realized and missed savings, and which workloads could wait (batch or flex), with evidence.',
    )
    .option(
      '--import <FORMAT:PATH>',
      'usage to read (repeatable): litellm, otlp, openai-usage, anthropic-usage, csv, jsonl',
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option('--ledger', "read Spendwall's own ledger")
    .option(
      '--database <url>',
      'the ledger: postgres://… or a SQLite file (default: $SPENDWALL_HOME/spendwall.db)',
    )
    .option('--policy <file>', 'replay the history under this proposed policy (what-if)')
    .option('--json', 'print the findings as JSON instead of the summary table')
    .option('--out-dir <dir>', 'where spendwall-report.md and spendwall-report.html go', 'report')
    .option('--no-files', 'write no report files')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  spendwall report --import litellm:spend-logs.csv\n' +
        '  spendwall report --ledger --policy proposed.yaml --out-dir report/\n' +
        '  spendwall demo    (a generated history, end to end)\n\nSee docs/report.md.',
    )
    .action(async (flags: ReportFlags) => {
      await runReport(flags);
    });
}

async function runReport(flags: ReportFlags): Promise<void> {
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
