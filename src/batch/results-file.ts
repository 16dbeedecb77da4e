import {
  closeSync,
  fsyncSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SpendwallError } from '../core/errors.js';
import { ensureFolderOf, syncFolder } from './job-files.js';

/**
 * Writes a chunk's results: its succeeded requests' results.jsonl lines, so that results.jsonl
 * is later a copy of these bytes. Providers return lines in any order (the emulator shuffles
 * them, as OpenAI may), so the lines are spread over bucket files by input line, each bucket a
 * range of lines: `<chunk>.results.<first>-<last>.jsonl`, entries `<line> <text>` in the order
 * they came. The reader puts one bucket at a time in order: memory holds one bucket, never the
 * batch, and no byte is written twice.
 *
 * `finish` syncs the buckets (and their folder) before returning: the commit that marks requests
 * as answered by them comes after, so it never refers to bytes that are not on disk. A crash
 * before that commit leaves files no record refers to; the next harvest of the chunk removes
 * them and writes its own.
 */
export class ResultsFileWriter {
  private readonly buckets: Array<Bucket | undefined> = [];
  private readonly bucketCount: number;
  private readonly span: number;
  private readonly base: string;
  private lines = 0;

  /** `path`: the chunk's results, `<folder>/<chunk>.results.jsonl` (its buckets are named from it). */
  constructor(
    path: string,
    private readonly range: { first: number; last: number },
    perBucket = 2000,
  ) {
    ensureFolderOf(path);
    this.base = baseOf(path);
    // What a crashed harvest of this chunk left behind: buckets (written or not), or an older
    // version's single file.
    removeChunkFiles(this.base);
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
      const path = `${this.base}.part-${index}`;
      bucket = {
        path,
        descriptor: openSync(path, 'w'),
        buffer: Buffer.allocUnsafe(bucketBufferBytes),
        used: 0,
        low: line,
        high: line,
      };
      this.buckets[index] = bucket;
    }
    if (line < bucket.low) bucket.low = line;
    if (line > bucket.high) bucket.high = line;
    // Copied into the bucket's buffer at once: the line's string dies young, instead of waiting
    // in a string of the bucket across the download's awaits and ageing into the old generation.
    // The number and the line are written apart (no third string joining them).
    const number = `${line} `;
    const room = (number.length + text.length) * 3;
    if (bucket.used + room > bucket.buffer.length) flushBucket(bucket);
    if (room > bucket.buffer.length) {
      writeSync(bucket.descriptor, number);
      writeSync(bucket.descriptor, text);
    } else {
      bucket.used += bucket.buffer.write(number, bucket.used, 'latin1');
      bucket.used += bucket.buffer.write(text, bucket.used, 'utf8');
    }
    this.lines++;
  }

  /** How many lines were added. */
  get count(): number {
    return this.lines;
  }

  /** Syncs every bucket and gives it its final name, with the range of lines it holds. */
  finish(): void {
    try {
      for (const bucket of this.buckets) {
        if (!bucket) continue;
        flushBucket(bucket);
        fsyncSync(bucket.descriptor);
        closeSync(bucket.descriptor);
        bucket.descriptor = -1;
        renameSync(bucket.path, `${this.base}.${bucket.low}-${bucket.high}.jsonl`);
      }
    } catch (error) {
      this.dispose();
      throw error;
    }
    syncFolder(dirname(this.base));
  }

  /** Removes the bucket files of a harvest given up (instead of `finish`). */
  dispose(): void {
    for (const bucket of this.buckets) {
      if (!bucket) continue;
      if (bucket.descriptor >= 0) closeSync(bucket.descriptor);
      bucket.descriptor = -1;
    }
    removeChunkFiles(this.base);
  }
}

interface Bucket {
  path: string;
  descriptor: number;
  /** Entries gathered and written 64 KiB at a time: a write per line costs more than the line. */
  buffer: Buffer;
  used: number;
  /** The lowest and highest input line added. */
  low: number;
  high: number;
}

const bucketBufferBytes = 64 * 1024;

function flushBucket(bucket: Bucket): void {
  let done = 0;
  while (done < bucket.used) done += writeSync(bucket.descriptor, bucket.buffer, done, bucket.used - done);
  bucket.used = 0;
}

/** Most bucket files open at once; a batch spread wider shares buckets. */
const maxBuckets = 64;

/** `<folder>/<chunk>.results.jsonl` → `<folder>/<chunk>.results`: what the chunk's file names start with. */
function baseOf(path: string): string {
  return path.endsWith('.jsonl') ? path.slice(0, -'.jsonl'.length) : path;
}

/** The names of the chunk's results files in its folder: every name that starts with `base` and a dot. */
function chunkFileNames(base: string): string[] {
  const prefix = `${basename(base)}.`;
  let names: string[];
  try {
    names = readdirSync(dirname(base));
  } catch {
    return [];
  }
  return names.filter((name) => name.startsWith(prefix));
}

/** Removes every results file of the chunk (see chunkFileNames). */
function removeChunkFiles(base: string): void {
  for (const name of chunkFileNames(base)) rmSync(join(dirname(base), name), { force: true });
}

/** The chunk's bucket files, by the range of lines each holds, in line order. */
function bucketsOf(base: string): BucketFile[] {
  const prefixLength = basename(base).length + 1;
  const found: BucketFile[] = [];
  for (const name of chunkFileNames(base)) {
    const match = /^(\d+)-(\d+)\.jsonl$/.exec(name.slice(prefixLength));
    if (match) found.push({ path: join(dirname(base), name), low: Number(match[1]), high: Number(match[2]) });
  }
  return found.sort((a, b) => a.low - b.low);
}

interface BucketFile {
  path: string;
  low: number;
  high: number;
}

/**
 * Reads results lines back from chunks' results by (chunk, input line), as results.jsonl is
 * written: in input order. A chunk's bucket files are read one at a time, whole, and put in order
 * in memory (a bucket is a range of ~2,000 lines). A chunk harvested by an older version has one
 * file in input order instead, read forward in blocks. At most `maxOpen` chunks are open at once.
 */
export class ResultsFileReader {
  private readonly open = new Map<string, ChunkSource>();

  /** `pathOf`: a chunk's results, `<folder>/<chunk>.results.jsonl`, as the writer was given it. */
  constructor(
    private readonly pathOf: (chunkId: string) => string,
    private readonly maxOpen = 8,
  ) {}

  /** The results line of `line` in the chunk's results, with its line break. */
  line(chunkId: string, line: number): Buffer {
    return Buffer.from(this.view(chunkId, line));
  }

  /**
   * The same line as a view into the reader's memory, without a copy: valid only until the next
   * call (copy it out before then).
   */
  view(chunkId: string, line: number): Buffer {
    let source = this.open.get(chunkId);
    if (source) {
      // Most recently used last: the first entry is the one to close when too many are open.
      this.open.delete(chunkId);
    } else {
      if (this.open.size >= this.maxOpen) {
        const [oldest, evicted] = this.open.entries().next().value as [string, ChunkSource];
        evicted.close();
        this.open.delete(oldest);
      }
      source = openChunk(this.pathOf(chunkId));
    }
    this.open.set(chunkId, source);
    return source.find(line);
  }

  close(): void {
    for (const source of this.open.values()) source.close();
    this.open.clear();
  }
}

interface ChunkSource {
  find(line: number): Buffer;
  close(): void;
}

function openChunk(path: string): ChunkSource {
  const base = baseOf(path);
  const buckets = bucketsOf(base);
  if (buckets.length > 0) return new BucketReader(buckets);
  try {
    return new ForwardReader(path);
  } catch (error) {
    throw new SpendwallError(
      `cannot read a chunk's results: no file ${basename(base)}.<first line>-<last line>.jsonl, nor ${basename(path)} (${(error as Error).message})`,
      { code: 'results_file_missing', place: path, cause: error },
    );
  }
}

/** A chunk's bucket files; the one holding the line asked for is in memory, in line order. */
class BucketReader implements ChunkSource {
  private loaded: OrderedBucket | undefined;
  /** Reused for every bucket of the chunk: a new buffer per bucket would be ~2 MB of garbage each. */
  private space = Buffer.allocUnsafeSlow(0);

  constructor(private readonly files: BucketFile[]) {}

  find(line: number): Buffer {
    let bucket = this.loaded;
    if (!bucket || line < bucket.low || line > bucket.high) {
      const file = this.files.find((candidate) => candidate.low <= line && line <= candidate.high);
      if (!file) throw lineMissing(`${this.files[0]!.path} and the chunk's other buckets`, line);
      this.loaded = undefined;
      const size = statSync(file.path).size;
      if (size > this.space.length)
        this.space = Buffer.allocUnsafeSlow(Math.max(size, this.space.length * 2));
      bucket = orderBucket(file, readWhole(file.path, this.space.subarray(0, size)));
      this.loaded = bucket;
    }
    const index = bucket.slots[line - bucket.low]!;
    if (index === -1) throw lineMissing(bucket.path, line);
    return bucket.content.subarray(bucket.starts[index], bucket.ends[index]);
  }

  close(): void {
    this.loaded = undefined;
  }
}

/** Reads the file into `target`, which is its size; gives the part read (all of it, unless it shrank). */
function readWhole(path: string, target: Buffer): Buffer {
  const descriptor = openSync(path, 'r');
  try {
    let done = 0;
    while (done < target.length) {
      const read = readSync(descriptor, target, done, target.length - done, done);
      if (read === 0) break;
      done += read;
    }
    return target.subarray(0, done);
  } finally {
    closeSync(descriptor);
  }
}

interface OrderedBucket {
  path: string;
  low: number;
  high: number;
  content: Buffer;
  /** Per line from `low`, the index of its entry in `starts`/`ends`, or -1. */
  slots: Int32Array;
  starts: number[];
  ends: number[];
}

/**
 * Reads a bucket's `<line> <text>` entries as bytes (never decoded) and indexes them by line:
 * its lines are a range, so each entry's place is its line's offset in it, with no sort. A line
 * given twice (never by the harvest, which takes a line's first result) keeps its first entry.
 */
function orderBucket(file: BucketFile, content: Buffer): OrderedBucket {
  const slots = new Int32Array(file.high - file.low + 1).fill(-1);
  const starts: number[] = [];
  const ends: number[] = [];
  let position = 0;
  while (position < content.length) {
    let line = 0;
    while (position < content.length && content[position] !== 0x20)
      line = line * 10 + (content[position++]! - 0x30);
    const start = position + 1;
    const newline = content.indexOf(0x0a, start);
    const end = newline === -1 ? content.length : newline + 1;
    const slot = line - file.low;
    if (slot >= 0 && slot < slots.length && slots[slot] === -1) {
      slots[slot] = starts.length;
      starts.push(start);
      ends.push(end);
    }
    position = end;
  }
  return { ...file, content, slots, starts, ends };
}

function lineMissing(place: string, line: number): SpendwallError {
  return new SpendwallError(`the chunk's results have no line for input line ${line}`, {
    code: 'results_file_incomplete',
    place,
  });
}

const blockBytes = 256 * 1024;

/** A chunk's results in one file in input order (an older version's): read forward in blocks. */
class ForwardReader implements ChunkSource {
  private descriptor: number;
  private buffer = Buffer.allocUnsafe(blockBytes);
  /** Bytes of `buffer` holding file data, from `start`. */
  private start = 0;
  private end = 0;
  /** Where the next read of the file begins. */
  private position = 0;
  private lastLine = -1;

  constructor(private readonly path: string) {
    this.descriptor = openSync(path, 'r');
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
    throw lineMissing(this.path, line);
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
