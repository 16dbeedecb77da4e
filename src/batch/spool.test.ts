import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RequestResult } from '../providers/provider.js';
import { removeAbandonedSpools, spoolResults } from './spool.js';

function result(line: number, body: string | null): RequestResult {
  return {
    customId: `ck0123456789abcdef_${line}`,
    outcome: body === null ? 'failed_retryable' : 'succeeded',
    statusCode: body === null ? null : 200,
    body,
    error: body === null ? { code: 'batch_expired', message: 'the line did not run' } : null,
    usage:
      body === null
        ? null
        : { inputTokens: 5, cachedInputTokens: 0, cacheCreationInputTokens: 0, outputTokens: 2 },
  };
}

async function* from<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

describe('spoolResults', () => {
  it('hands results back whole, a bucket of neighbouring lines at a time, buckets in line order', async () => {
    const lines = Array.from({ length: 100 }, (_, index) => index + 1).reverse();
    const results = lines.map((line) =>
      result(line, line % 10 === 0 ? null : JSON.stringify({ id: `r${line}`, text: 'a "quoted" \\ text' })),
    );
    const spooled = await spoolResults(from(results), {
      first: 1,
      last: 100,
      perBucket: 25,
      lineOf: (item) => Number(item.customId.split('_')[1]),
    });
    try {
      expect(spooled.count).toBe(100);
      const buckets: RequestResult[][] = [];
      for await (const bucket of spooled.buckets()) buckets.push(bucket);
      expect(buckets).toHaveLength(4);
      buckets.forEach((bucket, index) => {
        const bucketLines = bucket.map((item) => Number(item.customId.split('_')[1]));
        expect(Math.min(...bucketLines)).toBe(index * 25 + 1);
        expect(Math.max(...bucketLines)).toBe(index * 25 + 25);
      });
      const byId = new Map(buckets.flat().map((item) => [item.customId, item]));
      for (const original of results) expect(byId.get(original.customId)).toEqual(original);
    } finally {
      spooled.dispose();
    }
  });

  it('keeps a body with a line break, an empty body and lines outside the expected range', async () => {
    const odd = [result(5, '{"text":"one\ntwo"}'), result(6, ''), result(900, '{}'), result(7, '{"a":"\r"}')];
    const spooled = await spoolResults(from(odd), {
      first: 5,
      last: 7,
      perBucket: 2,
      lineOf: () => undefined,
    });
    try {
      const back: RequestResult[] = [];
      for await (const bucket of spooled.buckets()) back.push(...bucket);
      expect(back).toEqual(odd);
    } finally {
      spooled.dispose();
    }
  });

  it('removes the spool files of a runner that no longer runs, and only those', () => {
    const folder = mkdtempSync(join(tmpdir(), 'spendwall-spool-'));
    try {
      const gone = spawnSync(process.execPath, ['-e', '']).pid;
      const names = [
        `spendwall-results-${gone}-abc123-0.jsonl`,
        `spendwall-results-${gone}-abc123-17.jsonl`,
        `spendwall-results-${process.pid}-def456-0.jsonl`,
        'spendwall-results-notapid-0.jsonl',
        'somebody-elses-file.jsonl',
      ];
      for (const name of names) writeFileSync(join(folder, name), '{}\n');
      removeAbandonedSpools(folder);
      expect(readdirSync(folder).sort()).toEqual(names.slice(2).sort());
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
