import type { Command } from 'commander';

export interface ExportFlags {
  format: string;
  output?: string;
  import: string[];
  map?: string;
  database?: string;
  since?: string;
  until?: string;
  config?: string;
  billingAccountId?: string;
  billingAccountName?: string;
}

export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description('Write usage and cost as a FOCUS 1.2 CSV, from the ledger or from imported usage files.')
    .requiredOption('--format <format>', 'the export format: focus')
    .option('-o, --output <file>', 'where to write the CSV (default: standard output)')
    .option(
      '--import <FORMAT:PATH>',
      'read usage from a file instead of the ledger (repeatable): openai-usage, anthropic-usage, litellm, otlp, csv, jsonl, ledger',
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .option(
      '--map <FIELD=COLUMN,…|FILE>',
      'column map of the csv and jsonl formats, or a YAML/JSON file holding one',
    )
    .option(
      '--database <url>',
      'the ledger to read when no --import is given (default: $SPENDWALL_HOME/spendwall.db)',
    )
    .option(
      '--since <time>',
      'usage from this time on: 2026-11-01, 2026-11-01T12:00:00Z, or 7d for the last 7 days',
    )
    .option('--until <time>', 'usage before this time (same forms as --since)')
    .option(
      '-c, --config <file>',
      'the policy file whose prices apply (default: $SPENDWALL_CONFIG, else ./spendwall.yaml)',
    )
    .option('--billing-account-id <id>', 'the BillingAccountId of every row (default: the provider name)')
    .option('--billing-account-name <name>', 'the BillingAccountName of every row')
    .addHelpText(
      'after',
      '\nSee docs/focus-export.md for the columns and docs/importers.md for the import formats.',
    )
    .action(async (flags: ExportFlags) => {
      // Loaded when the command runs: registering it (and `spendwall --help`) stays cheap.
      const { exportCommand } = await import('./export-action.js');
      await exportCommand(flags);
    });
}
