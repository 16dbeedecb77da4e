import {
  closeSync,
  fsyncSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SpendwallError } from '../core/errors.js';
import { ensureFolderOf, syncFolder } from './job-files.js';

/**
 * Writes a chunk's results file: its succeeded requests' results.jsonl lines in input-line order,
 * so that results.jsonl is later a copy of these bytes. Providers return lines in any order (the
 * emulator shuffles them, as OpenAI may), so lines are first spread over bucket files by input
 * line, each bucket a contiguous range of lines, then each bucket is read back, put in order and
 * appended: memory holds one bucket at a time, never the batch.
 *
 * `finish` syncs the file (and its folder) before returning: the commit that marks requests as
 * answered by it comes after, so it never refers to bytes that are not on disk. A crash before
 * that commit leaves a file no record refers to; the next harvest of the chunk writes it again.
 */
export class ResultsFileWriter {
  private readonly buckets: Array<Bucket | undefined> = [];
  private readonly bucketCount: number;
  private readonly span: number;
  private lines = 0;

  constructor(
    private readonly path: string,
    private readonly range: { first: number; last: number },
    perBucket = 2000,
  ) {
    ensureFolderOf(path);
    // Bucket files a crashed harvest of this chunk left behind (its buckets may have been others).
    const prefix = `${basename(path)}.part-`;
    for (const name of readdirSync(dirname(path)))
      if (name.startsWith(prefix)) rmSync(join(dirname(path), name), { force: true });
    this.span = Math.max(1, range.last - range.first + 1);
    this.bucketCount = Math.max(1, Math.min(maxBuckets, Math.ceil(this.span / perBucket)));
  }

  /** Adds the results line (ending in its line break, as `resultLine` gives it) of input line `line`. */
  add(line: number, text: string): void {
    const index = Math.min(
      this.bucketCount - 1,
      Math.max(0, Math.floor(((line - this.range.first) * this.bucketCount) / this.span)),
    );
    let bucket = this.buckets[index];
    if (!bucket) {
      const path = `${this.path}.part-${index}`;
      bucket = {
        path,
        descriptor: openSync(path, 'w'),
        buffer: Buffer.allocUnsafe(bucketBufferBytes),
        used: 0,
      };
      this.buckets[index] = bucket;
    }
    // Copied into the bucket's buffer at once: the line's string dies young, instead of waiting
    // in a string of the bucket across the download's awaits and ageing into the old generation.
    const entry = `${line} ${text}`;
    if (bucket.used + entry.length * 3 > bucket.buffer.length) flushBucket(bucket);
    if (entry.length * 3 > bucket.buffer.length) writeSync(bucket.descriptor, entry);
    else bucket.used += bucket.buffer.write(entry, bucket.used, 'utf8');
    this.lines++;
  }

  /** How many lines were added. */
  get count(): number {
    return this.lines;
  }

  /** Puts the lines in order into the results file and syncs it. */
  finish(): void {
    const output = openSync(this.path, 'w');
    try {
      for (const bucket of this.buckets) {
        if (!bucket) continue;
        flushBucket(bucket);
        closeSync(bucket.descriptor);
        bucket.descriptor = -1;
        writeOrdered(output, readFileSync(bucket.path));
        rmSync(bucket.path, { force: true });
      }
      fsyncSync(output);
    } finally {
      closeSync(output);
      this.dispose();
    }
    syncFolder(dirname(this.path));
  }

  /** Removes the bucket files (after `finish`, or instead of it when the harvest fails). */
  dispose(): void {
    for (const bucket of this.buckets) {
      if (!bucket) continue;
      if (bucket.descriptor >= 0) closeSync(bucket.descriptor);
      bucket.descriptor = -1;
      rmSync(bucket.path, { force: true });
    }
  }
}

interface Bucket {
  path: string;
  descriptor: number;
  /** Entries gathered and written 64 KiB at a time: a write per line costs more than the line. */
  buffer: Buffer;
  used: number;
}

const bucketBufferBytes = 64 * 1024;

function flushBucket(bucket: Bucket): void {
  let done = 0;
  while (done < bucket.used) done += writeSync(bucket.descriptor, bucket.buffer, done, bucket.used - done);
  bucket.used = 0;
}

/** Most bucket files open at once; a batch spread wider shares buckets. */
const maxBuckets = 64;

/**
 * Writes a bucket's `<line> <text>` entries in line order, without the numbers, as bytes (never
 * decoded). The lines of one bucket are a contiguous range, so each entry's place is its line's
 * offset in that range: no sort. A line given twice (never by the harvest, which takes a line's
 * first result) keeps its first entry.
 */
function writeOrdered(output: number, content: Buffer): void {
  const starts: number[] = [];
  const ends: number[] = [];
  const lines: number[] = [];
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  let position = 0;
  while (position < content.length) {
    let line = 0;
    while (content[position] !== 0x20) line = line * 10 + (content[position++]! - 0x30);
    const start = position + 1;
    const newline = content.indexOf(0x0a, start);
    const end = newline === -1 ? content.length : newline + 1;
    lines.push(line);
    starts.push(start);
    ends.push(end);
    if (line < low) low = line;
    if (line > high) high = line;
    position = end;
  }
  if (lines.length === 0) return;
  const slots = new Int32Array(high - low + 1).fill(-1);
  for (let index = 0; index < lines.length; index++) {
    const slot = lines[index]! - low;
    if (slots[slot] === -1) slots[slot] = index;
  }
  // Copied in order into one buffer (the entries' bytes less their numbers) and written whole.
  const ordered = Buffer.allocUnsafe(content.length);
  let size = 0;
  for (const index of slots) {
    if (index === -1) continue;
    size += content.copy(ordered, size, starts[index]!, ends[index]!);
  }
  let done = 0;
  while (done < size) done += writeSync(output, ordered, done, size - done);
}

/**
 * Reads results lines back from chunks' results files by (chunk, input line). Reads go forward
 * through each file in blocks, which is how results.jsonl is written (input order, and a chunk's
 * lines are in input order in its file); a line before the last one read starts that file over.
 * At most `maxOpen` files are open at once.
 */
export class ResultsFileReader {
  private readonly open = new Map<string, ForwardReader>();

  constructor(
    private readonly pathOf: (chunkId: string) => string,
    private readonly maxOpen = 32,
  ) {}

  /** The results line of `line` in the chunk's file, with its line break. */
  line(chunkId: string, line: number): Buffer {
    return Buffer.from(this.view(chunkId, line));
  }

  /**
   * The same line as a view into the reader's block, without a copy: valid only until the next
   * call (copy it out before then).
   */
  view(chunkId: string, line: number): Buffer {
    let reader = this.open.get(chunkId);
    if (reader) {
      // Most recently used last: the first entry is the one to close when too many are open.
      this.open.delete(chunkId);
    } else {
      if (this.open.size >= this.maxOpen) {
        const [oldest, evicted] = this.open.entries().next().value as [string, ForwardReader];
        evicted.close();
        this.open.delete(oldest);
      }
      reader = new ForwardReader(this.pathOf(chunkId));
    }
    this.open.set(chunkId, reader);
    return reader.find(line);
  }

  close(): void {
    for (const reader of this.open.values()) reader.close();
    this.open.clear();
  }
}

const blockBytes = 256 * 1024;

/** One results file read forward in blocks; each line's input line number is read from its text. */
class ForwardReader {
  private descriptor: number;
  private buffer = Buffer.allocUnsafe(blockBytes);
  /** Bytes of `buffer` holding file data, from `start`. */
  private start = 0;
  private end = 0;
  /** Where the next read of the file begins. */
  private position = 0;
  private lastLine = -1;

  constructor(private readonly path: string) {
    try {
      this.descriptor = openSync(path, 'r');
    } catch (error) {
      throw new SpendwallError(`cannot read a chunk's results file: ${(error as Error).message}`, {
        code: 'results_file_missing',
        place: path,
        cause: error,
      });
    }
  }

  find(line: number): Buffer {
    if (line <= this.lastLine) this.rewind();
    for (;;) {
      const next = this.nextLine();
      if (next === undefined) break;
      const found = lineNumberOf(next);
      this.lastLine = found;
      if (found === line) return next;
      if (found > line) break;
    }
    throw new SpendwallError(`the chunk's results file has no line for input line ${line}`, {
      code: 'results_file_incomplete',
      place: this.path,
    });
  }

  close(): void {
    if (this.descriptor >= 0) closeSync(this.descriptor);
    this.descriptor = -1;
  }

  private rewind(): void {
    this.start = 0;
    this.end = 0;
    this.position = 0;
    this.lastLine = -1;
  }

  /** The next line with its line break, as a view into the block (reused by the next read). */
  private nextLine(): Buffer | undefined {
    for (;;) {
      const newline = this.buffer.indexOf(10, this.start);
      if (newline !== -1 && newline < this.end) {
        const line = this.buffer.subarray(this.start, newline + 1);
        this.start = newline + 1;
        return line;
      }
      // No whole line left in the buffer: keep the partial one, make room, read more.
      const kept = this.end - this.start;
      if (kept === this.buffer.length) {
        const larger = Buffer.allocUnsafe(this.buffer.length * 2);
        this.buffer.copy(larger, 0, this.start, this.end);
        this.buffer = larger;
      } else if (this.start > 0) {
        this.buffer.copy(this.buffer, 0, this.start, this.end);
      }
      this.start = 0;
      this.end = kept;
      const read = readSync(
        this.descriptor,
        this.buffer,
        this.end,
        this.buffer.length - this.end,
        this.position,
      );
      if (read === 0) return undefined;
      this.position += read;
      this.end += read;
    }
  }
}

/**
 * The input line a results line answers: the number after its leading custom_id, which is a JSON
 * string (so a quote inside it is escaped, and the first unescaped quote ends it).
 */
export function lineNumberOf(text: Buffer): number {
  const prefix = '{"custom_id":"'.length;
  let index = prefix;
  while (index < text.length) {
    const byte = text[index]!;
    if (byte === 0x5c) index += 2;
    else if (byte === 0x22) break;
    else index++;
  }
  // After the closing quote: `,"line":` and the digits.
  index += '","line":'.length;
  let line = 0;
  let digits = 0;
  for (; index < text.length; index++) {
    const byte = text[index]!;
    if (byte < 0x30 || byte > 0x39) break;
    line = line * 10 + (byte - 0x30);
    digits++;
  }
  return digits === 0 ? Number.NaN : line;
}
