import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImportIssue, UsageRecord } from '../usage-record.js';
import { readUsage } from './index.js';

const fixtures = join(import.meta.dirname, '__fixtures__');

async function read(path: string): Promise<{ records: UsageRecord[]; issues: ImportIssue[] }> {
  const records: UsageRecord[] = [];
  const issues: ImportIssue[] = [];
  for await (const record of readUsage(
    { format: 'litellm', path },
    { onIssue: (issue) => issues.push(issue) },
  )) {
    records.push(record);
  }
  return { records, issues };
}

describe('litellm import (CSV)', () => {
  it('reads a request with its team, workload tag, cache, stream timing and cost', async () => {
    const { records } = await read(join(fixtures, 'litellm-spend-logs.csv'));
    expect(records[0]).toMatchObject({
      startedAt: Date.UTC(2026, 10, 2, 9, 14, 3, 120),
      requests: 1,
      provider: 'openai',
      model: 'gpt-4o-mini',
      lane: 'realtime',
      endpoint: '/v1/chat/completions',
      workload: 'support-chat',
      team: 'support',
      endUser: 'cust_901',
      session: 'sess_aa1',
      userAgent: 'OpenAI/Python 1.51.0',
      tags: ['workload:support-chat'],
      stream: true,
      latencyMs: 2750,
      firstTokenMs: 490,
      inputTokens: 150,
      cachedInputTokens: 64,
      outputTokens: 65,
      costNanoUsd: 412_500,
      requestId: 'chatcmpl-8f1c2a',
      origin: { format: 'litellm', path: join(fixtures, 'litellm-spend-logs.csv'), position: 'line 2' },
    });
  });

  it('reads metadata spanning lines, strips the provider prefix, tells non-streamed answers', async () => {
    const { records } = await read(join(fixtures, 'litellm-spend-logs.csv'));
    expect(records[1]).toMatchObject({
      model: 'gpt-4o',
      workload: 'nightly-ticket-classify',
      team: 'data',
      stream: false,
      costNanoUsd: 12_100_000,
    });
    expect(records[1]?.endUser).toBeUndefined();
    expect(records[1]?.origin.position).toBe('line 3');
  });

  it('guesses the provider from the model when the column is empty, and reads failures', async () => {
    const { records } = await read(join(fixtures, 'litellm-spend-logs.csv'));
    expect(records[2]).toMatchObject({
      provider: 'openai',
      endpoint: '/v1/embeddings',
      origin: { position: 'line 7' },
    });
    expect(records[3]).toMatchObject({
      provider: 'anthropic',
      endpoint: '/v1/messages',
      failed: true,
      latencyMs: 900,
    });
    expect(records).toHaveLength(4);
  });

  it('reports each bad row with its line and the field, and keeps the good ones', async () => {
    const { issues } = await read(join(fixtures, 'litellm-spend-logs.csv'));
    expect(issues.map(({ position, message }) => `${position}: ${message}`)).toEqual([
      "line 8: startTime: expected a time (ISO 8601 such as 2026-11-02T14:05:00Z, or epoch seconds or milliseconds), got 'yesterday'",
      "line 9: prompt_tokens: expected a whole number ≥ 0, got 'five'",
      "line 10: metadata: expected a JSON object, got '{not json'",
      'line 11: expected 24 fields as in the header, found 4',
    ]);
  });

  it('refuses a file without the spend log columns, naming them', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'spendwall-litellm-'));
    const path = join(directory, 'other.csv');
    writeFileSync(path, 'a,b\n1,2\n');
    await expect(read(path)).rejects.toThrow(/other.csv:1: the header has no startTime, model column/);
  });
});

describe('litellm import (JSON)', () => {
  it('reads the /spend/logs answer, metadata as an object', async () => {
    const { records, issues } = await read(join(fixtures, 'litellm-spend-logs.json'));
    expect(issues).toEqual([
      {
        path: join(fixtures, 'litellm-spend-logs.json'),
        position: '[2]',
        message: 'model: expected a non-empty string, got an empty value',
      },
    ]);
    expect(records.map((record) => [record.model, record.team, record.lane, record.origin.position])).toEqual(
      [
        ['gpt-4o-mini', 'support', 'realtime', '[0]'],
        ['gpt-4o-mini', 'data', 'flex', '[1]'],
      ],
    );
  });

  it('reads the paged /spend/logs/v2 answer, one page per line', async () => {
    const { records, issues } = await read(join(fixtures, 'litellm-spend-logs-v2.jsonl'));
    expect(records).toEqual([
      expect.objectContaining({
        team: 'search',
        stream: false,
        latencyMs: 1250,
        origin: expect.objectContaining({ position: 'line 1, data[0]' }),
      }),
    ]);
    expect(issues.map((issue) => `${issue.position}: ${issue.message}`)).toEqual([
      'line 1, data[1]: prompt_tokens: expected a whole number ≥ 0, got -1',
    ]);
  });
});
