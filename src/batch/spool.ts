import { once } from 'node:events';
import { createReadStream, createWriteStream, readdirSync, rmSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { newId } from '../core/ids.js';
import type { RequestResult } from '../providers/provider.js';

/**
 * Downloads a provider batch's results to local files before any of them is applied. Applying
 * takes database time; a download left idle meanwhile is closed by the server (Node closes an idle
 * keep-alive connection after 5 s, providers do likewise), and the harvest would then start over
 * from the first line. Spooled, the download runs at network speed and the database at its own.
 *
 * Providers return lines in any order (the emulator shuffles them, as OpenAI may). Applied in
 * that order, every transaction of a harvest would touch nearly every page of the requests table
 * and its indexes, and rewrite them all. So results are spooled into buckets by input line, each
 * bucket a contiguous range of about `perBucket` lines, and handed back one bucket at a time in
 * line order: a transaction then touches only its own range.
 *
 * Each result takes two lines of a bucket file: the result without its body as JSON, then the
 * body as it is. A body is JSON text already (one line: JSON.stringify never writes a raw line
 * break), so writing it apart spares escaping it on the way in and unescaping it on the way out,
 * which for a batch of chat completions is most of the spool's bytes.
 */
export async function spoolResults(
  results: AsyncIterable<RequestResult>,
  layout: SpoolLayout,
): Promise<SpooledResults> {
  if (!abandonedRemoved) {
    abandonedRemoved = true;
    removeAbandonedSpools(tmpdir());
  }
  const base = join(tmpdir(), `${spoolPrefix}${process.pid}-${newId('')}`);
  const { first, last, perBucket, lineOf } = layout;
  const span = Math.max(1, last - first + 1);
  const bucketCount = Math.max(1, Math.min(maxBuckets, Math.ceil(span / perBucket)));
  // Each bucket's text is gathered and written 64 KiB at a time: a write per result costs more.
  const files: Array<{ path: string; out: WriteStream; text: string } | undefined> = [];
  let count = 0;
  const close = async () => {
    await Promise.all(
      files.map(async (file) => {
        if (!file) return;
        file.out.end(file.text);
        await once(file.out, 'finish');
      }),
    );
  };
  const dispose = () => {
    for (const file of files) {
      file?.out.destroy();
      if (file) rmSync(file.path, { force: true });
    }
  };
  try {
    for await (const result of results) {
      count++;
      const line = lineOf(result);
      const bucket =
        line === undefined
          ? bucketCount - 1
          : Math.min(bucketCount - 1, Math.max(0, Math.floor(((line - first) * bucketCount) / span)));
      let file = files[bucket];
      if (!file) {
        const path = `${base}-${bucket}.jsonl`;
        file = { path, out: createWriteStream(path), text: '' };
        files[bucket] = file;
      }
      const { body, ...rest } = result;
      // A body with a line break (never from JSON.stringify) would break the framing: encoded then.
      const raw = body !== null && !body.includes('\n') && !body.includes('\r');
      const head = raw ? rest : { ...rest, body };
      file.text += `${JSON.stringify(head)}\n${raw ? body : ''}\n`;
      if (file.text.length >= 65_536) {
        const ready = file.out.write(file.text);
        file.text = '';
        if (!ready) await once(file.out, 'drain');
      }
    }
    await close();
  } catch (error) {
    dispose();
    throw error;
  }
  return {
    count,
    async *buckets() {
      for (const file of files) {
        if (!file) continue;
        // Streamed rather than read whole: a file read at once is one large string, allocated
        // straight into the old generation, and the bodies sliced from it would keep it alive.
        const lines = createInterface({
          input: createReadStream(file.path),
          crlfDelay: Number.POSITIVE_INFINITY,
        });
        const bucket: RequestResult[] = [];
        let head: (Omit<RequestResult, 'body'> & { body?: string | null }) | undefined;
        // Written by this process a moment ago, so a plain parse is enough.
        for await (const line of lines) {
          if (head === undefined) {
            head = JSON.parse(line) as Omit<RequestResult, 'body'> & { body?: string | null };
            continue;
          }
          if (!('body' in head)) head.body = line;
          bucket.push(head as RequestResult);
          head = undefined;
        }
        yield bucket;
      }
    },
    dispose,
  };
}

/** Spool files are named `spendwall-results-<pid>-<id>-<bucket>.jsonl`: the pid says whose they are. */
const spoolPrefix = 'spendwall-results-';
const spoolName = /^spendwall-results-(\d+)-[^-]+-\d+\.jsonl$/;
let abandonedRemoved = false;

/**
 * A runner killed mid-harvest leaves its spool files behind (up to one per bucket). The first
 * spool of a process removes those of processes that no longer run; a file whose process is
 * alive, or whose name says no process, is left alone.
 */
export function removeAbandonedSpools(folder: string): void {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(spoolName.exec(name)?.[1]);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !isRunning(pid)) {
      rmSync(join(folder, name), { force: true });
    }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but is someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Most bucket files open at once while spooling; a batch this spread out shares buckets. */
const maxBuckets = 64;

export interface SpoolLayout {
  /** The lowest and highest input line the batch is expected to answer. */
  first: number;
  last: number;
  /** About how many lines each bucket covers: the most results applied together. */
  perBucket: number;
  /** The input line a result answers; undefined for one that is not Spendwall's. */
  lineOf(result: RequestResult): number | undefined;
}

export interface SpooledResults {
  count: number;
  /** The results, a bucket at a time, buckets in line order (lines within one are in any order). */
  buckets(): AsyncIterable<RequestResult[]>;
  dispose(): void;
}
