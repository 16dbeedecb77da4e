import { once } from 'node:events';
import { createWriteStream, renameSync } from 'node:fs';
import { nanoUsdPerUsd } from '../prices/index.js';
import { rejectsPage, requestsPage } from '../store/requests.js';
import type { SqlDriver } from '../store/sql.js';
import { chunkResultsPath } from './job-files.js';
import { ResultsFileReader } from './results-file.js';

/**
 * Writes results.jsonl: exactly one line per accepted input line, in input order, with the
 * response body (or error), the lane that ran it, its tries and its cost. Stored bodies are JSON
 * text already and are spliced in as they are. The file is written aside and renamed, so a
 * reader never sees half of it.
 */
export async function writeResults(
  driver: SqlDriver,
  jobId: string,
  path: string,
  folder: string,
): Promise<number> {
  const files = new ResultsFileReader((chunkId) => chunkResultsPath(folder, chunkId));
  try {
    return await writeJsonLines(path, async function* () {
      let afterLine = 0;
      for (;;) {
        const page = await requestsPage(driver, jobId, afterLine, 2000);
        if (page.length === 0) return;
        const text = new PageText();
        for (const request of page) {
          if ('inChunkFile' in request) {
            // A batch's succeeded request: its line was written whole when its batch was harvested.
            text.addBytes(files.view(request.inChunkFile, request.line));
            continue;
          }
          const response =
            request.state === 'succeeded' || request.response
              ? responseJson(request.status_code, request.response)
              : 'null';
          text.addString(
            resultLine(
              request.custom_id,
              request.line,
              request.state,
              request.lane,
              request.attempts,
              response,
              request.state === 'succeeded' ? 'null' : (request.error ?? 'null'),
              request.cost_nanousd,
              request.realtime_cost_nanousd,
            ),
          );
        }
        yield { lines: page.length, bytes: text.take() };
        afterLine = page.at(-1)!.line;
      }
    });
  } finally {
    files.close();
  }
}

/** A page of results.jsonl gathered as bytes: lines from results files are copied in, never decoded. */
class PageText {
  private buffer = Buffer.allocUnsafe(1024 * 1024);
  private used = 0;

  addBytes(bytes: Buffer): void {
    this.room(bytes.length);
    this.used += bytes.copy(this.buffer, this.used);
  }

  addString(text: string): void {
    this.room(text.length * 3);
    this.used += this.buffer.write(text, this.used, 'utf8');
  }

  /** The page's bytes (the builder is not used after). */
  take(): Buffer {
    return this.buffer.subarray(0, this.used);
  }

  private room(bytes: number): void {
    if (this.used + bytes <= this.buffer.length) return;
    const larger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.used + bytes));
    this.buffer.copy(larger, 0, 0, this.used);
    this.buffer = larger;
  }
}

/** `{"status_code":…,"body":…}` of a results line; the body is JSON text already and goes in as it is. */
export function responseJson(statusCode: number | null, body: string | null): string {
  return `{"status_code":${statusCode ?? 'null'},"body":${body ?? 'null'}}`;
}

/**
 * One line of results.jsonl, with its line break. The only place its shape is written: a batch's
 * results files (harvest.ts) and the results writer both call it, so results.jsonl can be
 * a copy of those files' bytes.
 */
export function resultLine(
  customId: string,
  line: number,
  status: string,
  lane: string | null,
  attempts: number,
  response: string,
  error: string,
  costNanoUsd: number | null,
  realtimeCostNanoUsd: number | null,
): string {
  return (
    `{"custom_id":${JSON.stringify(customId)},"line":${line},"status":"${status}",` +
    `"lane":${lane ? `"${lane}"` : 'null'},"attempts":${attempts},"response":${response},"error":${error},` +
    `"cost_usd":${usd(costNanoUsd)},"realtime_cost_usd":${usd(realtimeCostNanoUsd)}}\n`
  );
}

/** Writes the rejects file: one line per bad input line with its line number and reason. */
export async function writeRejects(driver: SqlDriver, jobId: string, path: string): Promise<number> {
  return writeJsonLines(path, async function* () {
    let afterLine = 0;
    for (;;) {
      const page = await rejectsPage(driver, jobId, afterLine, 2000);
      if (page.length === 0) return;
      yield page.map(
        (reject) =>
          `${JSON.stringify({ line: Number(reject.line), custom_id: reject.custom_id, code: reject.code, reason: reject.reason })}\n`,
      );
      afterLine = Number(page.at(-1)!.line);
    }
  });
}

function usd(nanoUsd: number | null): string {
  return nanoUsd === null ? 'null' : String(Number(nanoUsd) / nanoUsdPerUsd);
}

/** Writes pages of lines, each page in one write (a write per line costs more than the line). */
async function writeJsonLines(
  path: string,
  pages: () => AsyncGenerator<string[] | { lines: number; bytes: Buffer }>,
): Promise<number> {
  const temporary = `${path}.partial-${process.pid}`;
  const stream = createWriteStream(temporary);
  let count = 0;
  try {
    for await (const page of pages()) {
      const text = Array.isArray(page) ? page.join('') : page.bytes;
      count += Array.isArray(page) ? page.length : page.lines;
      if (!stream.write(text)) await once(stream, 'drain');
    }
    stream.end();
    await once(stream, 'finish');
  } catch (error) {
    stream.destroy();
    throw error;
  }
  renameSync(temporary, path);
  return count;
}
