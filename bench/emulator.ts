/**
 * Benchmark of the emulator's OpenAI batch path on a full-size batch (50,000 chat requests, ~30 MB):
 * upload, create, poll to completed and download the output, with the official SDK over loopback.
 * The baseline, measured in the same run on the same file, is what any program must at least do
 * with such a file: stream it in, parse and re-serialize every line, and write it out.
 *
 * Each phase runs in its own child process, so its peak RSS is its own. The phases alternate for
 * `rounds` rounds and the medians are compared, so a burst of load on a shared machine does not
 * decide the ratio; peak RSS is the highest seen.
 * Run: npx tsx bench/emulator.ts [lines] [rounds]
 * Targets: emulator wall time ≤ 5× baseline, emulator peak RSS ≤ 300 MB.
 */
import { execFileSync, fork } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface PhaseResult {
  wallMs: number;
  /**
   * CPU time (user + system, every thread: GC and I/O included) of the measured work, to tell a slow
   * run from a busy machine: wall time well above CPU time means the run waited for the processor.
   */
  cpuMs: number;
  peakRssMb: number;
  /** RSS once the phase's code is loaded, before it touches the file. */
  idleRssMb: number;
  lines: number;
  steps: Record<string, number>;
}

const phases = fileURLToPath(new URL('support/emulator-phases.mjs', import.meta.url));
const maxWallRatio = 5;
const maxPeakRssMb = 300;

const words = (
  'please classify this support ticket by urgency and topic the customer reports that the invoice ' +
  'for last month was charged twice and the refund has not arrived although the order shipped on time ' +
  'and the delivery was complete they ask for a summary of the account status and the next steps'
).split(' ');

/** One chat request of about 600 bytes whose text varies from line to line. */
function requestLine(index: number): string {
  const text: string[] = [];
  for (let word = 0; word < 70; word++) text.push(words[(index * 7 + word * 13) % words.length]!);
  return JSON.stringify({
    custom_id: `request-${index}`,
    method: 'POST',
    url: '/v1/chat/completions',
    body: {
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You label support tickets.' },
        { role: 'user', content: `Ticket ${index}: ${text.join(' ')}` },
      ],
      max_tokens: 64,
    },
  });
}

async function writeInput(path: string, lines: number): Promise<void> {
  const out = createWriteStream(path);
  for (let index = 0; index < lines; index++) {
    if (!out.write(requestLine(index) + '\n')) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** The run with the median wall time. */
function median(results: PhaseResult[]): PhaseResult {
  const sorted = results.slice().sort((a, b) => a.wallMs - b.wallMs);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Runs one phase in a child process and returns what it measured. */
async function runPhase(phase: 'baseline' | 'emulator', input: string, output: string): Promise<PhaseResult> {
  const profile = process.env['BENCH_CPU_PROF'];
  const child = fork(phases, [phase, input, output], {
    stdio: 'inherit',
    execArgv: profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [],
  });
  const [message] = (await once(child, 'message')) as [PhaseResult];
  await once(child, 'exit');
  return message;
}

async function main(): Promise<void> {
  const [phase, input] = process.argv.slice(2);
  execFileSync('npm', ['run', 'build', '--silent'], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: 'inherit',
  });
  const lineCount = Number(phase ?? 50_000);
  const rounds = Number(input ?? 3);
  const directory = await mkdtemp(join(tmpdir(), 'spendwall-bench-'));
  try {
    const inputPath = join(directory, 'input.jsonl');
    await writeInput(inputPath, lineCount);
    const inputBytes = (await stat(inputPath)).size;
    console.log(
      `input: ${lineCount} chat requests, ${(inputBytes / 1024 / 1024).toFixed(1)} MB, ${rounds} rounds`,
    );

    const bases: PhaseResult[] = [];
    const emulated: PhaseResult[] = [];
    for (let round = 0; round < rounds; round++) {
      bases.push(await runPhase('baseline', inputPath, join(directory, 'baseline.jsonl')));
      emulated.push(await runPhase('emulator', inputPath, join(directory, 'output.jsonl')));
      const last = emulated.at(-1)!;
      const steps = Object.entries(last.steps)
        .map(([name, milliseconds]) => `${name} ${milliseconds.toFixed(0)}`)
        .join(', ');
      console.log(
        `  round ${round + 1}: baseline ${bases.at(-1)!.wallMs.toFixed(0)} ms (CPU ${bases.at(-1)!.cpuMs.toFixed(0)}); ` +
          `emulator ${last.wallMs.toFixed(0)} ms (CPU ${last.cpuMs.toFixed(0)}) ` +
          `(${steps} ms), peak RSS ${last.peakRssMb.toFixed(0)} MB`,
      );
    }
    const outputBytes = (await stat(join(directory, 'output.jsonl'))).size;
    const base = median(bases);
    const emulator = median(emulated);
    const peakRssMb = Math.max(...emulated.map((result) => result.peakRssMb));
    const ratio = emulator.wallMs / base.wallMs;

    console.log(
      `baseline (read, parse, stringify, write), median: ${base.wallMs.toFixed(0)} ms (CPU ${base.cpuMs.toFixed(0)} ms), ` +
        `peak RSS ${Math.max(...bases.map((result) => result.peakRssMb)).toFixed(0)} MB (idle ${base.idleRssMb.toFixed(0)} MB)`,
    );
    console.log(
      `emulator (upload, create, poll, download), median: ${emulator.wallMs.toFixed(0)} ms (CPU ${emulator.cpuMs.toFixed(0)} ms), ` +
        `peak RSS ${peakRssMb.toFixed(0)} MB (idle ${emulator.idleRssMb.toFixed(0)} MB), ` +
        `${emulator.lines} lines completed, output ${(outputBytes / 1024 / 1024).toFixed(1)} MB`,
    );
    console.log(`wall-time ratio: ${ratio.toFixed(2)}× (target ≤ ${maxWallRatio}×)`);
    console.log(`peak RSS: ${peakRssMb.toFixed(0)} MB (target ≤ ${maxPeakRssMb} MB)`);
    const pass =
      ratio <= maxWallRatio &&
      peakRssMb <= maxPeakRssMb &&
      emulated.every((result) => result.lines === lineCount);
    console.log(pass ? 'PASS' : 'FAIL');
    if (!pass) process.exitCode = 1;
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

await main();
