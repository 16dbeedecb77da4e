import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../test/helpers/cli.js';
import { mandatoryColumns } from '../../report/focus/columns.js';

const fixtures = join(import.meta.dirname, '../../report/import/__fixtures__');

describe('spendwall export --format focus', () => {
  it('writes the FOCUS CSV of imported files and lists the rows it left out', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'spendwall-export-'));
    const output = join(folder, 'focus.csv');
    const result = await runCli(
      [
        'export',
        '--format',
        'focus',
        '-o',
        output,
        '--import',
        `litellm:${join(fixtures, 'litellm-spend-logs.csv')}`,
        '--import',
        `otlp:${join(fixtures, 'otlp-traces.jsonl')}`,
      ],
      { SPENDWALL_HOME: folder },
    );
    const lines = readFileSync(output, 'utf8').split('\r\n');
    const header = lines[0]!.split(',');
    for (const column of mandatoryColumns) expect(header).toContain(column);
    expect(lines.length).toBeGreaterThan(3);
    expect(result.stderr).toMatch(/litellm-spend-logs\.csv: line 8: startTime: expected a time/);
    expect(result.stderr).toMatch(/spendwall: wrote \d+ FOCUS rows from \d+ usage records to .*focus\.csv/);
    expect(result.stderr).toMatch(/spendwall: 8 rows could not be used and were left out/);
    expect(result.code).toBe(1);
  });

  it('names the formats when --import has an unknown one', async () => {
    const result = await runCli(['export', '--format', 'focus', '--import', 'helicone:x.csv']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /--import: 'helicone' is not a format; expected FORMAT:PATH with FORMAT one of openai-usage/,
    );
  });

  it('leaves no file behind when a source cannot be read', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'spendwall-export-'));
    const output = join(folder, 'focus.csv');
    const result = await runCli(
      ['export', '--format', 'focus', '-o', output, '--import', `csv:${join(folder, 'missing.csv')}`],
      { SPENDWALL_HOME: folder },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/missing\.csv: cannot read the file: no such file/);
    expect(existsSync(output)).toBe(false);
    expect(readdirSync(folder)).toEqual([]);
  });
});
