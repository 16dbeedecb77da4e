import { basename, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { describeProgress, type JobProgress, progressBar } from '../../batch/progress.js';
import { runJob } from '../../batch/run-job.js';
import { parseDuration } from '../../core/durations.js';
import { ConfigError } from '../../core/errors.js';
import { policyForJob } from '../../policy/job-policy.js';
import { loadPolicyFor } from '../../policy/load-policy.js';
import { openStore } from '../../store/open-store.js';
import { setUpProviders } from '../provider-setup.js';
import { printSummary } from '../summary.js';

interface RunFlags {
  workload?: string;
  output?: string;
  rejects?: string;
  provider?: 'openai' | 'anthropic';
  endpoint?: string;
  deadline?: string;
  onDeadline: 'realtime' | 'fail';
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
      const maxAttempts = parsePositiveInteger(flags.maxAttempts, '--max-attempts');
      const workload = flags.workload ?? basename(resolve(input)).replace(/\.[^.]+$/, '');
      // The policy speaks first: an interactive workload is refused before anything is read or sent.
      const policy = await loadPolicyFor(flags.config);
      const jobPolicy = policyForJob(policy, workload);
      if (jobPolicy.note && !flags.json && !flags.deadline)
        console.error(`spendwall: note: ${jobPolicy.note}`);
      const deadlineMs = flags.deadline ? parseDuration(flags.deadline, '--deadline') : jobPolicy.deadlineMs;
      const setup = await setUpProviders({ emulator: flags.emulator ?? false, required: true });
      const store = await openStore({ databaseUrl: flags.database });
      const interactive = process.stderr.isTTY && !process.env['CI'];
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        if (!flags.json)
          console.error(`spendwall: running on ${setup.describe()}; state in ${store.location}`);
        const summary = await runJob(
          {
            inputPath: input,
            outputPath: flags.output ?? `${input.replace(/\.jsonl$/, '')}.results.jsonl`,
            ...(flags.rejects ? { rejectsPath: flags.rejects } : {}),
            workload,
            ...(flags.provider ? { provider: flags.provider } : {}),
            ...(flags.endpoint ? { endpoint: flags.endpoint } : {}),
            ...(deadlineMs === undefined ? {} : { deadlineMs }),
            onDeadline: flags.onDeadline,
            maxAttempts,
            strict: flags.strict ?? false,
          },
          {
            store,
            providers: setup.providers,
            prices: policy.priceBook,
            signal: stop.signal,
            settings: {
              ...(flags.pollInterval
                ? { pollInitialMs: parseDuration(flags.pollInterval, '--poll-interval') }
                : {}),
              ...(setup.emulator ? { pollInitialMs: 200, pollMaxMs: 1000, submitGraceMs: 200 } : {}),
              enqueuedTokenLimits: parseTokenLimits(flags.tokenLimit),
              ...(flags.batchSize
                ? { chunkMaxRequests: parsePositiveInteger(flags.batchSize, '--batch-size') }
                : {}),
              progressIntervalMs: interactive ? 250 : 10_000,
            },
            onProgress: flags.json ? undefined : progressPrinter(interactive),
          },
        );
        if (interactive && !flags.json) process.stderr.write('\n');
        printSummary(summary, flags.json ?? false);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await store.close();
        await setup.close();
      }
    });
}

/** A bar redrawn in place on a terminal; a plain line every few seconds elsewhere (logs, CI). */
function progressPrinter(interactive: boolean): (progress: JobProgress) => void {
  return (progress) => {
    if (interactive) {
      const line = progressBar(progress);
      const width = process.stderr.columns ?? 120;
      process.stderr.write(`\r${line.slice(0, width - 1).padEnd(width - 1)}`);
    } else {
      process.stderr.write(`${new Date().toISOString()} ${progress.jobId} ${describeProgress(progress)}\n`);
    }
  };
}

function parseTokenLimits(entries: string[]): Record<string, number> {
  const limits: Record<string, number> = {};
  for (const entry of entries) {
    const match = /^(.+)=(\d+)$/.exec(entry);
    if (!match) throw new ConfigError(`expected model=tokens, got '${entry}'`, { place: '--token-limit' });
    limits[match[1]!] = Number(match[2]);
  }
  return limits;
}

function parsePositiveInteger(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new ConfigError(`expected a whole number of 1 or more, got '${text}'`, { place: flag });
  }
  return value;
}
