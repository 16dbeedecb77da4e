import { type Command, Option } from 'commander';

export interface RunFlags {
  workload?: string;
  output?: string;
  rejects?: string;
  provider?: 'openai' | 'anthropic';
  endpoint?: string;
  deadline?: string;
  onDeadline: 'realtime' | 'fail';
  fallbackWindow?: string;
  fallbackConcurrency?: string;
  maxAttempts: string;
  strict?: boolean;
  emulator?: boolean;
  database?: string;
  pollInterval?: string;
  tokenLimit: string[];
  batchSize?: string;
  json?: boolean;
  config?: string;
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description(
      'Run a JSONL file of requests through the batch lane: resumable, exactly once, with a cost summary.',
    )
    .argument('<input>', 'JSONL: OpenAI batch lines, Anthropic batch lines, or bare request bodies')
    .option('-w, --workload <name>', 'the workload these requests belong to (default: the file name)')
    .option('-o, --output <file>', 'results file (default: <input>.results.jsonl)')
    .option('--rejects <file>', 'where bad lines are listed (default: <output>.rejects.jsonl)')
    .addOption(
      new Option('--provider <name>', 'send every line to this provider').choices(['openai', 'anthropic']),
    )
    .option('--endpoint <path>', 'endpoint of bare request bodies, e.g. /v1/embeddings')
    .option(
      '--deadline <duration>',
      'every request has a result by then, e.g. 6h (default: the provider window, 24h)',
    )
    .addOption(
      new Option('--on-deadline <action>', 'what runs the requests the batch lane cannot finish in time')
        .choices(['realtime', 'fail'])
        .default('realtime'),
    )
    .option(
      '--fallback-window <duration>',
      'how long before the deadline the batch lane gives up and what is left runs on the realtime lane (default 15m)',
    )
    .option(
      '--fallback-concurrency <n>',
      'realtime calls at a time once the deadline fallback has started (default 8)',
    )
    .option('--max-attempts <n>', 'tries per request across provider batches', '3')
    .option('--strict', 'stop at the first bad line instead of rejecting it')
    .option('--emulator', 'dry run against the built-in emulator (no keys needed, nothing billed)')
    .option('--database <url>', 'postgres://… or a SQLite file (default: $SPENDWALL_HOME/spendwall.db)')
    .option('--poll-interval <duration>', 'first wait between status checks of a provider batch (default 5s)')
    .option(
      '--token-limit <model=tokens>',
      'enqueued-token limit of a model (repeatable), e.g. gpt-4o-mini=2000000',
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .option('--batch-size <n>', "most requests per provider batch (default: the provider's limit)")
    .option('--json', 'print the summary as JSON')
    .option(
      '-c, --config <file>',
      'the routing policy: refuses interactive workloads, sets the default deadline and prices (default: $SPENDWALL_CONFIG, else ./spendwall.yaml)',
    )
    .addHelpText(
      'after',
      '\nRunning the same command on the same input again resumes the job instead of starting another.\n' +
        'Keys come from OPENAI_API_KEY / ANTHROPIC_API_KEY (and OPENAI_BASE_URL / ANTHROPIC_BASE_URL).',
    )
    .action(async (input: string, flags: RunFlags) => {
      // Loaded when the command runs: registering it (and `spendwall --help`) stays cheap.
      const { runCommand } = await import('./run-action.js');
      await runCommand(input, flags);
    });
}
