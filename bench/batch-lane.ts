/**
 * The batch lane at scale: `spendwall run` on 50,000 and 200,000 requests against the emulator
 * running in its own process (instant clock), state in SQLite. Prints the runner process's CPU
 * time and peak RSS next to a baseline measured in the same run on the same file (streaming read +
 * parse + stringify + write), and the ratios.
 *
 * Targets (issue 3): runner CPU ≤ 6× the baseline's; peak RSS ≤ 300 MB; peak RSS at 200,000
 * within 20% of that at 50,000.
 *
 * Each round runs the baseline and the runner for every size, one after the other; the CPU ratio
 * judged is the median of the rounds' ratios (the machine's speed drifts between minutes).
 *
 *   npx tsx bench/batch-lane.ts [--sizes=50000,200000] [--rounds=3]
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const cli = join(root, 'dist/cli/main.js');
const usagePreload = join(root, 'bench/support/report-usage.mjs');
const sizes = (process.argv.find((argument) => argument.startsWith('--sizes='))?.slice(8) ?? '50000,200000')
  .split(',')
  .map(Number);
const rounds = Number(process.argv.find((argument) => argument.startsWith('--rounds='))?.slice(9) ?? 3);

interface Usage {
  cpuMs: number;
  maxRssMb: number;
  wallMs: number;
}

function writeInput(path: string, count: number): void {
  const lines: string[] = [];
  for (let index = 1; index <= count; index++) {
    lines.push(
      JSON.stringify({
        custom_id: `request-${index}`,
        method: 'POST',
        url: '/v1/chat/completions',
        body: {
          model: 'gpt-4o-mini',
          messages: [
            {
              role: 'system',
              content: 'Classify the support ticket as billing, account, shipping, product or other.',
            },
            {
              role: 'user',
              content: `Ticket ${index}: my order number ${index * 7} arrived damaged and I want a refund.`,
            },
          ],
          max_tokens: 8,
        },
      }),
    );
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

async function measure(
  args: string[],
  environment: Record<string, string>,
  folder: string,
  name: string,
): Promise<Usage> {
  const usageFile = join(folder, `${name}.usage.json`);
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', usagePreload, ...args], {
    env: { ...process.env, ...environment, SPENDWALL_USAGE_FILE: usageFile, CI: 'true' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [code] = (await once(child, 'exit')) as [number];
  if (code !== 0) throw new Error(`${name} exited with ${code}:\n${stderr.slice(-2000)}`);
  const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as Omit<Usage, 'wallMs'>;
  return { ...usage, wallMs: performance.now() - started };
}

async function startEmulator(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [cli, 'emulate', '--port', '0', '--instant'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  for await (const chunk of child.stdout!.iterator({ destroyOnReturn: false })) {
    output += (chunk as Buffer).toString();
    const match = /listening on (http:\/\/\S+)/.exec(output);
    if (match) {
      child.stdout!.resume();
      return { child, url: match[1]! };
    }
  }
  throw new Error(`the emulator did not start:\n${output}`);
}

const format = (value: number, digits = 0) => value.toFixed(digits).padStart(8);

execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
const folder = mkdtempSync(join(tmpdir(), 'spendwall-bench-'));
const emulator = await startEmulator();
const rows: Array<{ size: number; round: number; baseline: Usage; runner: Usage }> = [];
try {
  for (const size of sizes) writeInput(join(folder, `requests-${size}.jsonl`), size);
  // Rounds alternate baseline and runner for every size: the machine's speed drifts over minutes,
  // and each ratio compares two runs made seconds apart.
  for (let round = 1; round <= rounds; round++) {
    for (const size of sizes) {
      const input = join(folder, `requests-${size}.jsonl`);
      const name = `${size}-${round}`;
      const baseline = await measure(
        [join(root, 'bench/support/baseline.mjs'), input, join(folder, `baseline-${name}.jsonl`)],
        {},
        folder,
        `baseline-${name}`,
      );
      const output = join(folder, `results-${name}.jsonl`);
      const runner = await measure(
        [cli, 'run', input, '-o', output, '--workload', 'bench', '--poll-interval', '200'],
        {
          OPENAI_API_KEY: 'sk-bench',
          OPENAI_BASE_URL: `${emulator.url}/v1`,
          SPENDWALL_HOME: join(folder, `home-${name}`),
        },
        folder,
        `runner-${name}`,
      );
      const results = readFileSync(output, 'utf8').split('\n').filter(Boolean).length;
      if (results !== size) throw new Error(`expected ${size} results, got ${results}`);
      rows.push({ size, round, baseline, runner });
      rmSync(join(folder, `home-${name}`), { recursive: true, force: true });
    }
  }
} finally {
  emulator.child.kill('SIGTERM');
  rmSync(folder, { recursive: true, force: true });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

console.log(
  `\nbatch lane: spendwall run against the emulator in its own process (instant clock), SQLite; ${rounds} alternating round(s)\n`,
);
console.log(
  'requests  round  baseline CPU ms  runner CPU ms   CPU ratio  baseline RSS MB  runner RSS MB  runner wall s',
);
for (const { size, round, baseline, runner } of rows) {
  console.log(
    `${String(size).padStart(8)}  ${String(round).padStart(5)}  ${format(baseline.cpuMs)}        ${format(runner.cpuMs)}       ${format(runner.cpuMs / baseline.cpuMs, 2)}×  ${format(baseline.maxRssMb)}         ${format(runner.maxRssMb)}       ${format(runner.wallMs / 1000, 1)}`,
  );
}
const of = (size: number) => rows.filter((row) => row.size === size);
const largest = sizes.at(-1)!;
const smallest = sizes[0]!;
// The CPU ratio is the median of the rounds' ratios; RSS targets use the highest peak seen.
const cpuRatio = median(of(largest).map((row) => row.runner.cpuMs / row.baseline.cpuMs));
const peakRss = Math.max(...of(largest).map((row) => row.runner.maxRssMb));
const rssGrowth =
  median(of(largest).map((row) => row.runner.maxRssMb)) /
  median(of(smallest).map((row) => row.runner.maxRssMb));
console.log(
  `\ntargets: CPU ≤ 6× baseline (median of ${rounds}): ${cpuRatio.toFixed(2)}× ${cpuRatio <= 6 ? 'met' : 'MISSED'}; ` +
    `peak RSS ≤ 300 MB (highest): ${peakRss.toFixed(0)} MB ${peakRss <= 300 ? 'met' : 'MISSED'}; ` +
    `median RSS at ${largest} within 20% of ${smallest}: ${((rssGrowth - 1) * 100).toFixed(1)}% ${rssGrowth <= 1.2 ? 'met' : 'MISSED'}`,
);
