import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseColumnMap } from './column-map.js';
import { fixtures, readAll } from './test-support.js';
import type { ImportFormat, ImportOptions } from './types.js';

/**
 * One suite for every file format: whatever the source, a record must mean the same thing to the
 * views, and an issue must say where and what. Each format runs on its fixture, broken rows
 * included; the ledger has its own store-backed test (ledger.test.ts).
 */
const cases: { format: ImportFormat; file: string; options?: Omit<ImportOptions, 'onIssue'> }[] = [
  { format: 'openai-usage', file: 'openai-usage-completions.json' },
  { format: 'openai-usage', file: 'openai-usage-pages.jsonl' },
  { format: 'anthropic-usage', file: 'anthropic-usage-report.json' },
  { format: 'litellm', file: 'litellm-spend-logs.csv' },
  { format: 'litellm', file: 'litellm-spend-logs.json' },
  { format: 'litellm', file: 'litellm-spend-logs-v2.jsonl' },
  { format: 'otlp', file: 'otlp-traces.jsonl' },
  { format: 'otlp', file: 'otlp-trace-document.json' },
  {
    format: 'csv',
    file: 'generic-usage.csv',
    options: {
      columnMap: parseColumnMap(
        'time=ts,model=model_name,input_tokens=in,output_tokens=out,provider=vendor,workload=app',
      ),
    },
  },
  {
    format: 'jsonl',
    file: 'generic-usage.jsonl',
    options: {
      columnMap: parseColumnMap(
        'time=ts,input_tokens=usage.prompt_tokens,output_tokens=usage.completion_tokens',
      ),
    },
  },
];

const isWhole = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 0;

describe.each(cases)('$format importer on $file', ({ format, file, options }) => {
  const path = join(fixtures, file);

  it('yields records the views can trust', async () => {
    const { records } = await readAll(format, path, options);
    expect(records.length).toBeGreaterThan(0);
    for (const record of records) {
      expect(Number.isFinite(record.startedAt)).toBe(true);
      expect(record.startedAt).toBeGreaterThan(Date.UTC(2000, 0, 1));
      expect(isWhole(record.requests)).toBe(true);
      if (record.requestCountUnknown) expect(record.requests).toBe(0);
      if (record.durationMs !== undefined) expect(isWhole(record.durationMs)).toBe(true);
      expect(record.provider).toMatch(/^[a-z0-9._-]+$/);
      expect(record.model).not.toBe('');
      expect(['realtime', 'flex', 'batch']).toContain(record.lane);
      expect(isWhole(record.inputTokens) && isWhole(record.outputTokens)).toBe(true);
      const fromCache = (record.cachedInputTokens ?? 0) + (record.cacheCreationInputTokens ?? 0);
      expect(fromCache).toBeLessThanOrEqual(record.inputTokens);
      expect(record.cacheCreation1hInputTokens ?? 0).toBeLessThanOrEqual(
        record.cacheCreationInputTokens ?? 0,
      );
      if (record.costNanoUsd !== undefined) expect(isWhole(record.costNanoUsd)).toBe(true);
      if (record.apiKey !== undefined) expect(record.apiKey).not.toMatch(/^sk-/);
      expect(record.origin).toMatchObject({ format, path });
      expect(record.origin.position).not.toBe('');
    }
  });

  it('reports every left-out row with the file, a place and what was expected', async () => {
    const { issues } = await readAll(format, path, options);
    expect(issues.length).toBeGreaterThan(0);
    for (const issue of issues) {
      expect(issue.path).toBe(path);
      expect(issue.position).toMatch(/^(line \d+|\$|\[\d+\]|data\[|resourceSpans\[)/);
      expect(issue.message.length).toBeGreaterThan(10);
    }
  });

  it('gives the same records on a second read (no state kept between reads)', async () => {
    const first = await readAll(format, path, options);
    const second = await readAll(format, path, options);
    expect(second).toEqual(first);
  });
});
