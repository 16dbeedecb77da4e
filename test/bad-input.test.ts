import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../src/batch/run-job.js';
import { createEmulator, type Emulator } from '../src/emulator/index.js';
import { createProvider } from '../src/providers/index.js';
import { openStore, type Store } from '../src/store/open-store.js';
import { runCli } from './helpers/cli.js';
import { readResults } from './helpers/crash-checks.js';
import { readJsonLines } from './helpers/json-lines.js';

/**
 * What bad input gets (spec §7, issue 3 "Must show"): every bad line is named in the rejects file
 * with its line number and a reason that names the field and what was expected; the good lines
 * all run, and results.jsonl holds exactly them, in input order. With --strict the run stops at
 * the first bad line, naming file:line.
 */

const chat = (customId: string, content = `Classify ticket ${customId}`) => ({
  custom_id: customId,
  method: 'POST',
  url: '/v1/chat/completions',
  body: { model: 'gpt-4o-mini', max_tokens: 16, messages: [{ role: 'user', content }] },
});
const embedding = (customId: string) => ({
  custom_id: customId,
  method: 'POST',
  url: '/v1/embeddings',
  body: { model: 'text-embedding-3-small', input: `text of ${customId}` },
});
const anthropic = (customId: string, params: Record<string, unknown> = {}) => ({
  custom_id: customId,
  params: {
    model: 'claude-haiku-4-5-20251001',
    max_tokens: 32,
    messages: [{ role: 'user', content: `Summarize ${customId}` }],
    ...params,
  },
});

/** The longest line the job accepts in this test (the engine's option; the default is 32 MiB). */
const maxLineBytes = 2048;
/** Filler lines between the two halves, so a duplicate meets its original in an earlier commit (2000 lines each). */
const fillerCount = 2100;

interface Expected {
  line: number;
  /** Good lines: the custom_id their result carries. */
  good?: string;
  /** Bad lines: the reject code and what the reason must say. */
  code?: string;
  reason?: RegExp;
  customId?: string | null;
}

/** The job file, line by line, with what each line must become. */
function jobLines(): Array<{ text: string } & Omit<Expected, 'line'>> {
  const broken = JSON.stringify(chat('broken')).slice(0, -7);
  const { body: _body, ...noBody } = chat('no-body');
  const head = [
    { text: JSON.stringify(chat('good-1')), good: 'good-1' },
    { text: broken, code: 'invalid_json', reason: /^line: invalid JSON/, customId: null },
    {
      text: JSON.stringify(noBody),
      code: 'missing_field',
      reason: /^body: missing, expected a JSON object/,
      customId: 'no-body',
    },
    { text: '', code: 'empty_line', reason: /^line: empty, expected a JSON object/, customId: null },
    { text: JSON.stringify(anthropic('good-2')), good: 'good-2' },
    {
      text: JSON.stringify({ ...chat('wrong-model'), body: { model: 42, messages: [] } }),
      code: 'wrong_type',
      reason: /^body\.model: expected a string, got 42$/,
      customId: 'wrong-model',
    },
    // Same custom_id as line 1, otherwise valid: line 1 stands.
    {
      text: JSON.stringify(chat('good-1', 'a different request')),
      code: 'duplicate_custom_id',
      reason: /custom_id 'good-1' was already used on line 1; the earlier line stands/,
      customId: 'good-1',
    },
    {
      text: JSON.stringify(chat('too-long', 'x'.repeat(maxLineBytes))),
      code: 'line_too_large',
      reason: new RegExp(`^line: \\d+ bytes, more than the ${maxLineBytes}-byte limit for one line$`),
      customId: null,
    },
    { text: '   ', code: 'empty_line', reason: /^line: empty/, customId: null },
    { text: JSON.stringify(embedding('good-3')), good: 'good-3' },
    {
      text: JSON.stringify({ ...chat('messages-text'), body: { model: 'gpt-4o-mini', messages: 'hello' } }),
      code: 'wrong_type',
      reason: /^body\.messages: expected an array, got "hello"$/,
      customId: 'messages-text',
    },
    {
      text: JSON.stringify(anthropic('no-max-tokens', { max_tokens: undefined })),
      code: 'missing_field',
      reason: /^params\.max_tokens: missing, expected a positive integer$/,
      customId: 'no-max-tokens',
    },
    {
      text: '[1, 2, 3]',
      code: 'wrong_type',
      reason: /^line: expected a JSON object, got an array$/,
      customId: null,
    },
    {
      text: JSON.stringify({ ...chat('x'), custom_id: 7 }),
      code: 'invalid_custom_id',
      reason: /^custom_id: expected a non-empty string/,
      customId: null,
    },
    {
      text: JSON.stringify({
        ...anthropic('bad-tokens'),
        params: { ...anthropic('bad-tokens').params, max_tokens: '64' },
      }),
      code: 'wrong_type',
      reason: /^params\.max_tokens: expected a positive integer, got "64"$/,
      customId: 'bad-tokens',
    },
    // A bare request body: its custom_id is its line number.
    {
      text: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'bare' }] }),
      good: 'line-16',
    },
    // An Anthropic line reusing an OpenAI line's custom_id is a duplicate too.
    {
      text: JSON.stringify(anthropic('good-3')),
      code: 'duplicate_custom_id',
      reason: /custom_id 'good-3' was already used on line 10; the earlier line stands/,
      customId: 'good-3',
    },
    // The custom_id of a rejected line (14 tried 'x' with a bad id; 6 'wrong-model') is free to use.
    { text: JSON.stringify(chat('wrong-model')), good: 'wrong-model' },
    { text: '', code: 'empty_line', reason: /^line: empty/, customId: null },
    { text: '', code: 'empty_line', reason: /^line: empty/, customId: null },
    { text: JSON.stringify(chat('good-5')), good: 'good-5' },
  ];
  const filler = Array.from({ length: fillerCount }, (_, index) => {
    const customId = `fill-${index + 1}`;
    return { text: JSON.stringify(index % 3 === 0 ? embedding(customId) : chat(customId)), good: customId };
  });
  const tail = [
    // Its original is more than 2000 lines back, in an earlier commit of the ingest.
    {
      text: JSON.stringify(anthropic('good-2')),
      code: 'duplicate_custom_id',
      reason: /custom_id 'good-2' was already used on line 5; the earlier line stands/,
      customId: 'good-2',
    },
    {
      text: '{"custom_id": "unterminated',
      code: 'invalid_json',
      reason: /^line: invalid JSON/,
      customId: null,
    },
    { text: JSON.stringify(chat('last')), good: 'last' },
  ];
  return [...head, ...filler, ...tail];
}

describe('bad input', () => {
  let folder: string;
  let inputPath: string;
  let emulator: Emulator;
  let store: Store;
  const lines = jobLines();
  const expected: Expected[] = lines.map(({ text: _text, ...rest }, index) => ({ line: index + 1, ...rest }));

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'spendwall-bad-input-'));
    inputPath = join(folder, 'requests.jsonl');
    // A trailing newline ends the last line; it is not an empty line of its own.
    writeFileSync(inputPath, `${lines.map((line) => line.text).join('\n')}\n`);
    emulator = createEmulator({ clock: { instant: true } });
    store = await openStore({ databaseUrl: join(folder, 'spendwall.db'), home: folder });
  });

  afterAll(async () => {
    await store?.close();
    await emulator?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('rejects each bad line by number with a reason naming the field, and runs every good line in order', async () => {
    const outputPath = join(folder, 'results.jsonl');
    const instantRetries = { maxRetries: 6, initialDelayMs: 0, maxDelayMs: 0, sleep: async () => undefined };
    const common = { apiKey: 'sk-bad-input', fetch: emulator.fetch, retryPolicy: instantRetries };
    const summary = await runJob(
      { inputPath, outputPath, workload: 'bad-input', maxLineBytes },
      {
        store,
        providers: {
          openai: createProvider('openai', { ...common, baseURL: 'http://emulator/v1' }),
          anthropic: createProvider('anthropic', { ...common, baseURL: 'http://emulator' }),
        },
        settings: { pollInitialMs: 5, pollMaxMs: 20, submitGraceMs: 0, progressIntervalMs: 0 },
      },
    );

    const good = expected.filter((line) => line.good !== undefined);
    const bad = expected.filter((line) => line.code !== undefined);
    expect(summary).toMatchObject({ state: 'completed', accepted: good.length, rejected: bad.length });
    expect(summary.rejectsPath).toBe(join(folder, 'results.rejects.jsonl'));

    // The rejects file: every bad line, in order, by number, with its code and reason.
    const rejects = readJsonLines<{ line: number; custom_id: string | null; code: string; reason: string }>(
      summary.rejectsPath!,
    );
    expect(rejects.map((reject) => reject.line)).toEqual(bad.map((line) => line.line));
    for (const [index, reject] of rejects.entries()) {
      const wanted = bad[index]!;
      expect(reject, `line ${wanted.line}`).toMatchObject({ code: wanted.code, custom_id: wanted.customId });
      expect(reject.reason, `line ${wanted.line}`).toMatch(wanted.reason!);
    }

    // results.jsonl: exactly the good lines, in input order, all succeeded.
    const results = readResults(outputPath);
    expect(results.map((result) => [result.line, result.custom_id])).toEqual(
      good.map((line) => [line.line, line.good]),
    );
    expect(results.filter((result) => result.status !== 'succeeded')).toEqual([]);
    for (const result of results) expect(result.response?.status_code, result.custom_id).toBe(200);
    // The earlier line stands: each repeated custom_id belongs to the line that used it first.
    const owners = await store.driver.all<{ custom_id: string; line: number }>(
      "SELECT custom_id, line FROM requests WHERE custom_id IN ('good-1', 'good-2', 'good-3') ORDER BY line",
    );
    expect(owners.map((row) => [row.custom_id, Number(row.line)])).toEqual([
      ['good-1', 1],
      ['good-2', 5],
      ['good-3', 10],
    ]);
    const sent = emulator.record.batches.flatMap((batch) => batch.customIds);
    expect(sent).toHaveLength(good.length);
  });

  it('with --strict stops at the first bad line, exits non-zero and names file:line', async () => {
    const strict = await strictRun('strict');
    try {
      const exit = await strict.run();
      expect(exit.code, exit.stderr).not.toBe(0);
      expect(exit.code).not.toBeNull();
      // Line 2 is the first bad line: broken JSON.
      expect(exit.stderr).toContain(`${strict.inputPath}:2: line: invalid JSON`);
      expect(exit.stderr).toContain('--strict stops at the first bad line');
      expect(exit.stderr.split(`${strict.inputPath}:`)).toHaveLength(2);
      // Nothing was sent, and no results file claims to be complete.
      expect(strict.emulator.record.batches).toEqual([]);
      expect(existsSync(strict.outputPath)).toBe(false);
    } finally {
      await strict.close();
    }
  });

  it('with --strict, running the same command on the same bad file fails again the same way', async () => {
    const strict = await strictRun('strict-again');
    try {
      await strict.run();
      const again = await strict.run();
      expect(again.code, `${again.stdout}\n${again.stderr}`).not.toBe(0);
      expect(again.stderr).toContain(`${strict.inputPath}:2: line: invalid JSON`);
      // No results file with requests that never ran.
      expect(existsSync(strict.outputPath)).toBe(false);
      expect(strict.emulator.record.batches).toEqual([]);
    } finally {
      await strict.close();
    }
  });

  /** The bad file run by the CLI with --strict, against an emulator served on a loopback port. */
  async function strictRun(name: string) {
    const inputPath = join(folder, `${name}.jsonl`);
    writeFileSync(inputPath, `${lines.map((line) => line.text).join('\n')}\n`);
    const outputPath = join(folder, `${name}-results.jsonl`);
    const served = createEmulator({ clock: { instant: true } });
    const url = await served.listen(0);
    const command = ['run', inputPath, '--strict', '-o', outputPath, '--workload', name];
    const environment = {
      OPENAI_API_KEY: 'sk-strict',
      OPENAI_BASE_URL: `${url}/v1`,
      ANTHROPIC_API_KEY: 'sk-ant-strict',
      ANTHROPIC_BASE_URL: url,
      SPENDWALL_HOME: join(folder, `${name}-home`),
      SPENDWALL_DATABASE_URL: '',
    };
    return {
      inputPath,
      outputPath,
      emulator: served,
      run: () => runCli(command, environment),
      close: () => served.close(),
    };
  }
});
