import type { Command } from 'commander';

export interface DemoFlags {
  outDir: string;
  seed: string;
  scale: string;
  json?: boolean;
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'Generate a realistic four-week usage history (25 workloads) and run the full spend review on it: terminal, Markdown and HTML.',
    )
    .option('--out-dir <dir>', 'where the history and the reports go', 'spendwall-demo')
    .option('--seed <seed>', 'the same seed gives the same history', 'spendwall-demo')
    .option('--scale <factor>', 'volume multiplier (1 ≈ 600,000 requests)', '0.2')
    .option('--json', 'print the findings as JSON instead of the summary table')
    .addHelpText(
      'after',
      '\nWrites history/usage.jsonl, history/litellm-spend-logs.csv and history/otlp-traces.jsonl (the same\n' +
        'requests in three import formats), proposed-policy.yaml, then reads usage.jsonl back through the\n' +
        'importer exactly as `spendwall report --import jsonl:… --policy proposed-policy.yaml` would. See docs/report.md.',
    )
    .action(async (flags: DemoFlags) => {
      // Loaded when the command runs: registering it (and `spendwall --help`) stays cheap.
      const { demoCommand } = await import('./demo-action.js');
      await demoCommand(flags);
    });
}
