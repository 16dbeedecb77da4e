import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lineNumberOf, ResultsFileReader, ResultsFileWriter } from './results-file.js';
import { responseJson, resultLine } from './write-results.js';

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'spendwall-results-file-'));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

const line = (number: number, customId = `request-${number}`, content = `answer ${number}`) =>
  resultLine(
    customId,
    number,
    'succeeded',
    'batch',
    1,
    responseJson(200, JSON.stringify({ content })),
    'null',
    1500,
    3000,
  );

function shuffled<T>(items: T[], seed = 7): T[] {
  const copy = items.slice();
  let state = seed;
  for (let index = copy.length - 1; index > 0; index--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const other = state % (index + 1);
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
}

describe('ResultsFileWriter', () => {
  it('writes lines given in any order in input-line order, over many buckets, and leaves no bucket files', () => {
    const path = join(folder, 'chunk.results.jsonl');
    // Lines 101–5,100 with gaps (every seventh missing): a retry chunk is sparse.
    const numbers = Array.from({ length: 5000 }, (_, index) => index + 101).filter(
      (number) => number % 7 !== 0,
    );
    const writer = new ResultsFileWriter(path, { first: 101, last: 5100 }, 100);
    for (const number of shuffled(numbers)) writer.add(number, line(number));
    expect(writer.count).toBe(numbers.length);
    writer.finish();
    expect(readFileSync(path, 'utf8')).toBe(numbers.map((number) => line(number)).join(''));
    expect(readdirSync(folder)).toEqual(['chunk.results.jsonl']);
  });

  it('rewrites the file from scratch when a chunk is harvested again', () => {
    const path = join(folder, 'chunk.results.jsonl');
    writeFileSync(path, 'left by a harvest that crashed before its commit\n'.repeat(1000));
    const writer = new ResultsFileWriter(path, { first: 1, last: 3 });
    for (const number of [3, 1, 2]) writer.add(number, line(number));
    writer.finish();
    expect(readFileSync(path, 'utf8')).toBe(line(1) + line(2) + line(3));
  });

  it('removes bucket files a crashed harvest of the same chunk left behind', () => {
    const path = join(folder, 'chunk.results.jsonl');
    writeFileSync(`${path}.part-63`, '1 stale\n');
    writeFileSync(join(folder, 'other.results.jsonl.part-0'), '1 another chunk\n');
    const writer = new ResultsFileWriter(path, { first: 1, last: 1 });
    writer.add(1, line(1));
    writer.finish();
    expect(readdirSync(folder).sort()).toEqual(['chunk.results.jsonl', 'other.results.jsonl.part-0']);
  });

  it('removes its bucket files when the harvest is given up', () => {
    const writer = new ResultsFileWriter(
      join(folder, 'chunk.results.jsonl'),
      { first: 1, last: 10_000 },
      100,
    );
    for (let number = 1; number <= 10_000; number += 50) writer.add(number, line(number));
    expect(readdirSync(folder).length).toBeGreaterThan(1);
    writer.dispose();
    expect(readdirSync(folder)).toEqual([]);
  });
});

describe('ResultsFileReader', () => {
  const write = (
    name: string,
    numbers: number[],
    text: (number: number) => string = (number) => line(number),
  ) => {
    const writer = new ResultsFileWriter(join(folder, `${name}.results.jsonl`), {
      first: Math.min(...numbers),
      last: Math.max(...numbers),
    });
    for (const number of numbers) writer.add(number, text(number));
    writer.finish();
  };
  const reader = (maxOpen?: number) =>
    new ResultsFileReader((chunkId) => join(folder, `${chunkId}.results.jsonl`), maxOpen);

  it('reads lines of several files forward, going back when asked for an earlier line', () => {
    write('a', [1, 2, 3, 10]);
    write('b', [4, 5, 11]);
    const files = reader(1);
    const read = (chunk: string, number: number) => files.line(chunk, number).toString('utf8');
    expect(read('a', 1)).toBe(line(1));
    expect(read('b', 5)).toBe(line(5));
    expect(read('a', 3)).toBe(line(3));
    expect(read('a', 2)).toBe(line(2));
    expect(read('b', 4)).toBe(line(4));
    expect(read('a', 10)).toBe(line(10));
    expect(read('b', 11)).toBe(line(11));
    files.close();
  });

  it('reads lines longer than its block and across block boundaries', () => {
    const long = (number: number) => line(number, `request-${number}`, 'x'.repeat(number * 2500));
    const numbers = Array.from({ length: 120 }, (_, index) => index + 1);
    write('long', numbers, long);
    const files = reader();
    for (const number of numbers) expect(files.line('long', number).toString('utf8')).toBe(long(number));
    files.close();
  });

  it('names the file and the line when a line is not in it', () => {
    write('gap', [1, 3]);
    const files = reader();
    expect(() => files.line('gap', 2)).toThrow(/no line for input line 2/);
    expect(() => files.line('gap', 4)).toThrow(/gap\.results\.jsonl/);
    expect(() => files.line('missing', 1)).toThrow(/missing\.results\.jsonl/);
    files.close();
  });
});

describe('lineNumberOf', () => {
  it('reads the line number after a custom_id with escaped quotes, backslashes and "line" inside it', () => {
    for (const customId of ['plain', 'say \\"hi\\"', '","line":5,"x', 'back\\\\slash', 'ünïcode ✓']) {
      expect(lineNumberOf(Buffer.from(line(42, customId)))).toBe(42);
    }
  });
});
