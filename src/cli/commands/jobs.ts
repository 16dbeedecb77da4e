import type { Command } from 'commander';

export interface StoreFlags {
  database?: string;
}

const databaseOption = [
  '--database <url>',
  'postgres://… or a SQLite file (default: $SPENDWALL_HOME/spendwall.db)',
] as const;

export function registerJobCommands(program: Command): void {
  program
    .command('jobs')
    .description('List bulk jobs, newest first.')
    .option(...databaseOption)
    .option('--json', 'print as JSON')
    .action(async (flags: StoreFlags & { json?: boolean }) => {
      const { jobsCommand } = await import('./jobs-action.js');
      await jobsCommand(flags);
    });

  program
    .command('status')
    .description('Show where a job stands: requests, provider batches, cost and savings so far.')
    .argument('<job>', 'job id (or its first characters)')
    .option(...databaseOption)
    .option('--json', 'print as JSON')
    .action(async (id: string, flags: StoreFlags & { json?: boolean }) => {
      const { statusCommand } = await import('./jobs-action.js');
      await statusCommand(id, flags);
    });

  program
    .command('results')
    .description("Write a job's results (one line per accepted input line, in input order).")
    .argument('<job>', 'job id (or its first characters)')
    .option('-o, --output <file>', "where to write them (default: the job's own results file)")
    .option(...databaseOption)
    .action(async (id: string, flags: StoreFlags & { output?: string }) => {
      const { resultsCommand } = await import('./jobs-action.js');
      await resultsCommand(id, flags);
    });

  program
    .command('cancel')
    .description('Cancel a job: its provider batches are cancelled, finished results are kept.')
    .argument('<job>', 'job id (or its first characters)')
    .option('--emulator', 'the job ran against the built-in emulator')
    .option(...databaseOption)
    .action(async (id: string, flags: StoreFlags & { emulator?: boolean }) => {
      const { cancelCommand } = await import('./jobs-action.js');
      await cancelCommand(id, flags);
    });
}
