import type { Command } from 'commander';

export interface EmulateFlags {
  port: string;
  host: string;
  config?: string;
  seed?: string;
  timeScale?: string;
  instant?: boolean;
}

export function registerEmulateCommand(program: Command): void {
  program
    .command('emulate')
    .description('Run the local OpenAI + Anthropic emulator (real-time, files, batches, faults, webhooks).')
    .option('-p, --port <port>', 'port to listen on (0 picks a free one)', '8787')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('-c, --config <file>', 'emulator options as YAML or JSON (faults, limits, timing, webhooks)')
    .option('--seed <n>', 'seed for outputs, identifiers and faults')
    .option('--time-scale <n>', 'emulated seconds per real second (3600: a 24 h window in 24 s)')
    .option('--instant', 'finish every batch on its first read after creation')
    .addHelpText(
      'after',
      '\nPoint clients at it with OPENAI_BASE_URL=http://127.0.0.1:8787/v1 and ANTHROPIC_BASE_URL=http://127.0.0.1:8787.\n' +
        'GET /_emulator/record shows what it received; see docs/emulator.md for the options file.',
    )
    .action(async (flags: EmulateFlags) => {
      // Loaded when the command runs: registering it (and `spendwall --help`) stays cheap.
      const { emulateCommand } = await import('./emulate-action.js');
      await emulateCommand(flags);
    });
}
