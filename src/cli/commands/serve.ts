import type { Command } from 'commander';

export interface ServeFlags {
  port: string;
  host: string;
  config?: string;
  database?: string;
  emulator?: boolean;
  quiet?: boolean;
  maxBodyMb: string;
  async: boolean;
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Run the gateway: OpenAI- and Anthropic-compatible, routing each request by its workload.')
    .option('-p, --port <port>', 'port to listen on (0 picks a free one)', '8080')
    .option('--host <host>', 'address to bind (anything but loopback needs gateway keys)', '127.0.0.1')
    .option('-c, --config <file>', 'the policy file (default: $SPENDWALL_CONFIG or ./spendwall.yaml)')
    .option('--database <url>', 'postgres://… or a SQLite file (default: $SPENDWALL_HOME/spendwall.db)')
    .option('--emulator', 'serve in front of the built-in emulator (a demo: nothing reaches a provider)')
    .option('--quiet', 'no per-request log lines')
    .option('--max-body-mb <n>', 'largest request body accepted, in MB (larger: 413)', '32')
    .option('--no-async', 'do not accept Prefer: respond-async work (it is then served synchronously)')
    .addHelpText(
      'after',
      '\nPoint SDKs at it: OPENAI_BASE_URL=http://HOST:PORT/v1, ANTHROPIC_BASE_URL=http://HOST:PORT, with a key from\n' +
        '`spendwall keys create --team TEAM` as the API key. Provider keys come from OPENAI_API_KEY and\n' +
        'ANTHROPIC_API_KEY (and *_BASE_URL). See docs/gateway.md.',
    )
    .action(async (flags: ServeFlags) => {
      // Loaded when the command runs: registering it (and `spendwall --help`) stays cheap.
      const { serveCommand } = await import('./serve-action.js');
      await serveCommand(flags);
    });
}
