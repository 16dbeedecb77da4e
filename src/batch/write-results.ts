import { once } from 'node:events';
import { createWriteStream, renameSync } from 'node:fs';
import { nanoUsdPerUsd } from '../prices/index.js';
import { rejectsPage, requestsPage } from '../store/requests.js';
import type { SqlDriver } from '../store/sql.js';

/**
 * Writes results.jsonl: exactly one line per accepted input line, in input order, with the
 * response body (or error), the lane that ran it, its tries and its cost. Stored bodies are JSON
 * text already and are spliced in as they are. The file is written aside and renamed, so a
 * reader never sees half of it.
 */
export async function writeResults(driver: SqlDriver, jobId: string, path: string): Promise<number> {
  return writeJsonLines(path, async function* () {
    let afterLine = 0;
    for (;;) {
      const page = await requestsPage(driver, jobId, afterLine, 2000);
      if (page.length === 0) return;
      const lines: string[] = [];
      for (const request of page) {
        const response =
          request.status_code !== null || request.response !== null
            ? `{"status_code":${request.status_code ?? 'null'},"body":${request.response ?? 'null'}}`
            : 'null';
        lines.push(
          `{"custom_id":${JSON.stringify(request.custom_id)},"line":${request.line},"status":"${request.state}",` +
            `"lane":${request.lane ? `"${request.lane}"` : 'null'},"attempts":${request.attempts},` +
            `"response":${request.state === 'succeeded' || request.response ? response : 'null'},` +
            `"error":${request.state === 'succeeded' ? 'null' : (request.error ?? 'null')},` +
            `"cost_usd":${usd(request.cost_nanousd)},"realtime_cost_usd":${usd(request.realtime_cost_nanousd)}}\n`,
        );
      }
      yield lines;
      afterLine = page.at(-1)!.line;
    }
  });
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
async function writeJsonLines(path: string, pages: () => AsyncGenerator<string[]>): Promise<number> {
  const temporary = `${path}.partial-${process.pid}`;
  const stream = createWriteStream(temporary);
  let count = 0;
  try {
    for await (const lines of pages()) {
      count += lines.length;
      if (!stream.write(lines.join(''))) await once(stream, 'drain');
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
