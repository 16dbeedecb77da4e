import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../test/helpers/cli.js';
import { readJsonLines } from '../../../test/helpers/json-lines.js';
import { createEmulator, type Emulator } from '../../emulator/index.js';

/**
 * The deadline fallback's two knobs: `--fallback-window` (how long before the deadline the batch
 * lane stops and what is left runs synchronously) and `--fallback-concurrency` (how many such
 * calls at a time). A window as long as the deadline sends everything to the realtime lane.
 */

let folder: string;
let emulator: Emulator;
let environment: NodeJS.ProcessEnv;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'spendwall-run-cli-'));
  emulator = createEmulator({ clock: { instant: true } });
  const url = await emulator.listen(0);
  environment = {
    OPENAI_API_KEY: 'sk-run-cli',
    OPENAI_BASE_URL: `${url}/v1`,
    SPENDWALL_HOME: join(folder, 'home'),
    SPENDWALL_DATABASE_URL: '',
  };
});

afterAll(async () => {
  await emulator.close();
  rmSync(folder, { recursive: true, force: true });
});

function writeInput(name: string, count: number): string {
  const path = join(folder, `${name}.jsonl`);
  const lines = Array.from({ length: count }, (_, index) =>
    JSON.stringify({
      custom_id: `${name}-${index + 1}`,
      method: 'POST',
      url: '/v1/chat/completions',
      body: { model: 'gpt-4o-mini', max_tokens: 8, messages: [{ role: 'user', content: `ticket ${index}` }] },
    }),
  );
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** Runs `count` chat lines through `spendwall run` with these flags; its exit and results. */
async function run(name: string, count: number, flags: string[]) {
  const output = join(folder, `${name}-results.jsonl`);
  const result = await runCli(
    ['run', writeInput(name, count), '-o', output, '--workload', `nightly-${name}`, ...flags],
    environment,
  );
  expect(result.code, result.stderr).toBe(0);
  return { stderr: result.stderr, results: readJsonLines<{ status: string; lane: string }>(output) };
}

describe('spendwall run: the deadline fallback', () => {
  it('runs every request on the realtime lane when the fallback window is as long as the deadline', async () => {
    const batchesBefore = emulator.record.batches.length;
    const { stderr, results } = await run('window', 6, [
      '--deadline',
      '1h',
      '--fallback-window',
      '1h',
      '--fallback-concurrency',
      '2',
    ]);
    expect(stderr).toContain('--fallback-window is as long as the deadline');
    expect(results).toHaveLength(6);
    expect(results.every((line) => line.status === 'succeeded' && line.lane === 'realtime')).toBe(true);
    expect(emulator.record.batches.length).toBe(batchesBefore);
  });

  it('uses the batch lane while the deadline is further away than the window', async () => {
    const { results } = await run('batch', 4, [
      '--deadline',
      '6h',
      '--fallback-window',
      '1h',
      '--poll-interval',
      '100ms',
    ]);
    expect(results.map((line) => line.lane)).toEqual(['batch', 'batch', 'batch', 'batch']);
  });

  it('refuses a fallback concurrency below 1 and a window that is not a duration, naming the flag', async () => {
    const input = writeInput('bad-flags', 1);
    const concurrency = await runCli(['run', input, '--fallback-concurrency', '0'], environment);
    expect(concurrency.code).toBe(2);
    expect(concurrency.stderr).toContain('--fallback-concurrency');
    const window = await runCli(['run', input, '--fallback-window', 'soon'], environment);
    expect(window.code).toBe(2);
    expect(window.stderr).toContain('--fallback-window');
  });
});
