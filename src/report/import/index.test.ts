import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { timestamp } from './field-checks.js';
import { parseImportSpec, readUsage } from './index.js';
import { readJsonItems } from './json-items.js';

describe('parseImportSpec', () => {
  it('splits FORMAT:PATH at the first colon', () => {
    expect(parseImportSpec('litellm:./spend.csv')).toEqual({ format: 'litellm', path: './spend.csv' });
    expect(parseImportSpec('ledger:postgres://u@h/db')).toEqual({
      format: 'ledger',
      path: 'postgres://u@h/db',
    });
  });

  it('lists the formats when the format is unknown or missing', () => {
    expect(() => parseImportSpec('helicone:x.csv')).toThrow(
      "--import: 'helicone' is not a format; expected FORMAT:PATH with FORMAT one of openai-usage, anthropic-usage, litellm, otlp, csv, jsonl, ledger",
    );
    expect(() => parseImportSpec('spend.csv')).toThrow(/'spend.csv' has no FORMAT: prefix/);
    expect(() => parseImportSpec('otlp:')).toThrow(/names no file/);
  });
});

describe('timestamp', () => {
  it('reads ISO 8601 with and without zone as UTC, and epoch numbers by size', () => {
    const time = Date.UTC(2026, 10, 2, 9, 14, 3, 120);
    for (const value of [
      '2026-11-02T09:14:03.120Z',
      '2026-11-02 09:14:03.120',
      '2026-11-02T09:14:03.120000+00:00',
      '2026-11-02T11:14:03.120+02:00',
      '2026-11-02T04:14:03.120-05:00',
      time / 1000,
      String(time),
      time * 1000,
      `${time}000000`,
    ]) {
      expect(timestamp(value, 'time')).toBe(time);
    }
    expect(() => timestamp('02/11/2026', 'time')).toThrow(/time: expected a time/);
  });
});

describe('readJsonItems', () => {
  it('refuses a single document above the limit, telling how to make JSON Lines', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'spendwall-json-'));
    const path = join(directory, 'big.json');
    writeFileSync(path, `{\n  "resourceSpans": [\n${'    {},\n'.repeat(20)}    {}\n  ]\n}\n`);
    const items = readJsonItems(path, { onIssue: () => undefined, maxDocumentBytes: 64 });
    await expect(async () => {
      for await (const _ of items) void _;
    }).rejects.toThrow(/one JSON document of \d+ bytes, more than the 64 read whole; write it as JSON Lines/);
  });
});

describe('readUsage', () => {
  it('names a missing file in an ImportError, whatever the format', async () => {
    for (const format of ['litellm', 'csv', 'otlp', 'openai-usage'] as const) {
      const records = readUsage({ format, path: '/nonexistent/usage.csv' }, { onIssue: () => undefined });
      await expect(async () => {
        for await (const _ of records) void _;
      }).rejects.toThrow('/nonexistent/usage.csv: cannot read the file: no such file');
    }
  });
});
