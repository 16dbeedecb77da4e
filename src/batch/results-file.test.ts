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

/** Every line the chunk's results hold, read back in input order through the reader. */
function readBack(chunk: string, numbers: number[]): string {
  const files = new ResultsFileReader((chunkId) => join(folder, `${chunkId}.results.jsonl`));
  try {
    return numbers.map((number) => files.line(chunk, number).toString('utf8')).join('');
  } finally {
    files.close();
  }
}

describe('ResultsFileWriter', () => {
  it('keeps lines given in any order in buckets by line range, read back in input-line order', () => {
    const path = join(folder, 'chunk.results.jsonl');
    // Lines 101–5,100 with gaps (every seventh missing): a retry chunk is sparse.
    const numbers = Array.from({ length: 5000 }, (_, index) => index + 101).filter(
      (number) => number % 7 !== 0,
    );
    const writer = new ResultsFileWriter(path, { first: 101, last: 5100 }, 100);
    for (const number of shuffled(numbers)) writer.add(number, line(number));
    expect(writer.count).toBe(numbers.length);
    writer.finish();
    expect(readBack('chunk', numbers)).toBe(numbers.map((number) => line(number)).join(''));
    // Fifty buckets, each named by the lines it holds, covering the lines without overlap; no
    // unfinished bucket (.part-N) is left.
    const names = readdirSync(folder).sort((a, b) => rangeOf(a)[0] - rangeOf(b)[0]);
    expect(names).toHaveLength(50);
    expect(names.every((name) => /^chunk\.results\.\d+-\d+\.jsonl$/.test(name))).toBe(true);
    expect(rangeOf(names[0]!)[0]).toBe(101);
    expect(rangeOf(names.at(-1)!)[1]).toBe(5100);
    for (let index = 1; index < names.length; index++)
      expect(rangeOf(names[index]!)[0]).toBeGreaterThan(rangeOf(names[index - 1]!)[1]);
    // Every byte written once: the buckets hold the lines and their numbers, nothing more.
    const bytes = names.reduce((sum, name) => sum + readFileSync(join(folder, name)).length, 0);
    expect(bytes).toBe(
      numbers.reduce((sum, number) => sum + Buffer.byteLength(`${number} ${line(number)}`), 0),
    );
  });

  it('removes what a harvest of the same chunk that crashed before its commit left, and nothing of other chunks', () => {
    const path = join(folder, 'chunk.results.jsonl');
    writeFileSync(path, "an older version's file\n".repeat(1000));
    writeFileSync(join(folder, 'chunk.results.1-9.jsonl'), '1 stale\n');
    writeFileSync(join(folder, 'chunk.results.part-63'), '1 stale\n');
    writeFileSync(join(folder, 'other.results.1-3.jsonl'), '1 another chunk\n');
    const writer = new ResultsFileWriter(path, { first: 1, last: 3 });
    for (const number of [3, 1, 2]) writer.add(number, line(number));
    writer.finish();
    expect(readdirSync(folder).sort()).toEqual(['chunk.results.1-3.jsonl', 'other.results.1-3.jsonl']);
    expect(readBack('chunk', [1, 2, 3])).toBe(line(1) + line(2) + line(3));
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

/** The first and last line in a bucket file's name. */
function rangeOf(name: string): [number, number] {
  const match = /\.(\d+)-(\d+)\.jsonl$/.exec(name)!;
  return [Number(match[1]), Number(match[2])];
}

describe('ResultsFileReader', () => {
  const write = (
    name: string,
    numbers: number[],
    text: (number: number) => string = (number) => line(number),
    perBucket?: number,
  ) => {
    const writer = new ResultsFileWriter(
      join(folder, `${name}.results.jsonl`),
      { first: Math.min(...numbers), last: Math.max(...numbers) },
      perBucket,
    );
    for (const number of shuffled(numbers)) writer.add(number, text(number));
    writer.finish();
  };
  const reader = (maxOpen?: number) =>
    new ResultsFileReader((chunkId) => join(folder, `${chunkId}.results.jsonl`), maxOpen);

  it('reads lines of several chunks in turn, going back when asked for an earlier line', () => {
    write('a', [1, 2, 3, 10, 20, 21], undefined, 2);
    write('b', [4, 5, 11]);
    const files = reader(1);
    const read = (chunk: string, number: number) => files.line(chunk, number).toString('utf8');
    expect(read('a', 1)).toBe(line(1));
    expect(read('b', 5)).toBe(line(5));
    expect(read('a', 3)).toBe(line(3));
    expect(read('a', 21)).toBe(line(21));
    expect(read('a', 2)).toBe(line(2));
    expect(read('b', 4)).toBe(line(4));
    expect(read('a', 10)).toBe(line(10));
    expect(read('b', 11)).toBe(line(11));
    files.close();
  });

  it('reads long lines, whole', () => {
    const long = (number: number) => line(number, `request-${number}`, 'x'.repeat(number * 2500));
    const numbers = Array.from({ length: 120 }, (_, index) => index + 1);
    write('long', numbers, long, 30);
    const files = reader();
    for (const number of numbers) expect(files.line('long', number).toString('utf8')).toBe(long(number));
    files.close();
  });

  it('reads a chunk an older version harvested, whose results are one file in input order', () => {
    const numbers = Array.from({ length: 3000 }, (_, index) => index + 1);
    const long = (number: number) => line(number, `request-${number}`, 'y'.repeat(number % 400));
    writeFileSync(join(folder, 'old.results.jsonl'), numbers.map(long).join(''));
    const files = reader();
    for (const number of numbers) expect(files.line('old', number).toString('utf8')).toBe(long(number));
    expect(files.line('old', 7).toString('utf8')).toBe(long(7));
    files.close();
  });

  it('names the file and the line when a line is not there', () => {
    write('gap', [1, 3]);
    writeFileSync(join(folder, 'old.results.jsonl'), line(1) + line(3));
    const files = reader();
    expect(() => files.line('gap', 2)).toThrow(/no line for input line 2/);
    expect(() => files.line('gap', 4)).toThrow(/no line for input line 4/);
    expect(() => files.line('old', 2)).toThrow(/no line for input line 2/);
    expect(() => files.line('missing', 1)).toThrow(
      /missing\.results\.<first line>-<last line>\.jsonl, nor missing\.results\.jsonl/,
    );
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
