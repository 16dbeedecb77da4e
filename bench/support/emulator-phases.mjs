// The two measured phases of bench/emulator.ts, each run in its own plain-Node child process
// (no TypeScript loader in the measured process): `node emulator-phases.mjs baseline|emulator IN OUT`.
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** Samples RSS every 20 ms; `maxRSS` alone would also do, the samples guard against its granularity. */
function rssSampler() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  return () => {
    clearInterval(timer);
    return Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024) / 1024 / 1024;
  };
}

export async function baseline(input, output) {
  const idleRssMb = process.memoryUsage().rss / 1024 / 1024;
  const peak = rssSampler();
  const started = performance.now();
  const cpu = process.cpuUsage();
  const out = createWriteStream(output);
  let lines = 0;
  for await (const line of createInterface({
    input: createReadStream(input),
    crlfDelay: Number.POSITIVE_INFINITY,
  })) {
    if (!line) continue;
    if (!out.write(JSON.stringify(JSON.parse(line)) + '\n')) await once(out, 'drain');
    lines++;
  }
  out.end();
  await once(out, 'finish');
  const wallMs = performance.now() - started;
  return { wallMs, cpuMs: cpuMilliseconds(cpu), peakRssMb: peak(), idleRssMb, lines, steps: {} };
}

export async function emulated(input, output) {
  // Loaded here, not at the top, so the baseline process carries none of it. The compiled code is
  // measured, in plain Node (no TypeScript loader), as users run it.
  const { default: OpenAI } = await import('openai');
  const { createEmulator } = await import('../../dist/emulator/index.js');
  const emulator = createEmulator({ clock: { instant: true } });
  const url = await emulator.listen(0, '127.0.0.1');
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sk-bench', maxRetries: 0, timeout: 600_000 });
  const idleRssMb = process.memoryUsage().rss / 1024 / 1024;
  const peak = rssSampler();
  const steps = {};
  const started = performance.now();
  const cpu = process.cpuUsage();
  let lap = started;
  const step = (name) => {
    const now = performance.now();
    steps[name] = now - lap;
    lap = now;
  };

  const file = await client.files.create({ file: createReadStream(input), purpose: 'batch' });
  step('upload');
  let batch = await client.batches.create({
    input_file_id: file.id,
    endpoint: '/v1/chat/completions',
    completion_window: '24h',
  });
  step('create');
  while (!['completed', 'failed', 'expired', 'cancelled'].includes(batch.status)) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    batch = await client.batches.retrieve(batch.id);
  }
  step('run');
  if (batch.status !== 'completed' || !batch.output_file_id) {
    throw new Error(`the batch ended ${batch.status}: ${JSON.stringify(batch.errors)}`);
  }
  const content = await client.files.content(batch.output_file_id);
  const out = createWriteStream(output);
  for await (const chunk of content.body) {
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  step('download');
  const wallMs = performance.now() - started;
  const cpuMs = cpuMilliseconds(cpu);

  await emulator.close();
  return { wallMs, cpuMs, peakRssMb: peak(), idleRssMb, lines: batch.request_counts?.completed ?? 0, steps };
}

function cpuMilliseconds(since) {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

const [phase, input, output] = process.argv.slice(2);
const result = phase === 'baseline' ? await baseline(input, output) : await emulated(input, output);
process.send?.(result);
