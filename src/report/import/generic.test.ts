import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseColumnMap, readColumnMapFile } from './column-map.js';
import { fixtures, readAll } from './test-support.js';

const columnMap = parseColumnMap(
  'time=ts,model=model_name,input_tokens=in,output_tokens=out,provider=vendor,workload=app,cost_usd=cost,stream=streamed',
);

describe('generic csv import', () => {
  it('reads the mapped columns, quoted fields and epoch seconds', async () => {
    const { records } = await readAll('csv', join(fixtures, 'generic-usage.csv'), { columnMap });
    expect(records[0]).toMatchObject({
      startedAt: Date.UTC(2026, 10, 2, 8),
      provider: 'openai',
      model: 'gpt-4o-mini',
      lane: 'realtime',
      workload: 'support-chat',
      team: 'support',
      inputTokens: 1200,
      outputTokens: 300,
      costNanoUsd: 360_000,
      tags: ['chat', 'web'],
      stream: true,
      requests: 1,
      origin: { format: 'csv', position: 'line 2' },
    });
    expect(records[1]).toMatchObject({
      startedAt: 1793606400_000,
      provider: 'anthropic',
      lane: 'batch',
      stream: false,
    });
    expect(records[2]).toMatchObject({ workload: 'eval "v2"', origin: { position: 'line 6' } });
    expect(records).toHaveLength(3);
  });

  it('reports bad rows by line, naming the column as the file spells it', async () => {
    const { messages } = await readAll('csv', join(fixtures, 'generic-usage.csv'), { columnMap });
    expect(messages).toEqual([
      "line 4: lane: expected realtime, flex or batch, got 'sideways'",
      'line 5: out: expected a whole number ≥ 0, got an empty value',
    ]);
  });

  it('refuses a header without the required columns, naming them and the map syntax', async () => {
    await expect(readAll('csv', join(fixtures, 'generic-usage.csv'))).rejects.toThrow(
      /generic-usage\.csv:1: the header has no 'time', 'model', 'input_tokens', 'output_tokens' column; it has 'ts', .*--map FIELD=COLUMN/,
    );
  });
});

describe('generic jsonl import', () => {
  it('reads nested properties through dotted column names', async () => {
    const map = parseColumnMap(
      'time=ts,input_tokens=usage.prompt_tokens,output_tokens=usage.completion_tokens',
    );
    const { records, messages } = await readAll('jsonl', join(fixtures, 'generic-usage.jsonl'), {
      columnMap: map,
    });
    expect(records).toEqual([
      expect.objectContaining({
        model: 'gpt-4o-mini',
        inputTokens: 1200,
        outputTokens: 300,
        costNanoUsd: 360_000,
      }),
    ]);
    expect(messages).toEqual([
      'line 2: usage.prompt_tokens: expected a whole number ≥ 0, got 12.5',
      'line 3, [0]: expected a JSON object',
      'line 3, [1]: expected a JSON object',
      'line 3, [2]: expected a JSON object',
    ]);
  });
});

describe('column maps', () => {
  it('refuses unknown fields, listing the known ones', () => {
    expect(() => parseColumnMap('when=ts')).toThrow(
      /--map: 'when' is not a field; expected one of time, model, input_tokens/,
    );
    expect(() => parseColumnMap('time')).toThrow(/'time' is not FIELD=COLUMN/);
  });

  it('reads a YAML map file', () => {
    const directory = mkdtempSync(join(tmpdir(), 'spendwall-map-'));
    const path = join(directory, 'map.yaml');
    writeFileSync(path, 'time: ts\nmodel: model_name\n');
    expect(readColumnMapFile(path)).toEqual({ time: 'ts', model: 'model_name' });
  });
});
