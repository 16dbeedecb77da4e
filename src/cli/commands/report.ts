import type { Command } from 'commander';

export interface ReportFlags {
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
      // Loaded when the command runs: registering it (and `spendwall --help`) stays cheap.
      const { reportCommand } = await import('./report-action.js');
      await reportCommand(flags);
    });
}
