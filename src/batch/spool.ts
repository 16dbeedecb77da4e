import { once } from 'node:events';
import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { newId } from '../core/ids.js';
import type { RequestResult } from '../providers/provider.js';

/**
 * Downloads a provider batch's results to a local file before any of them is applied. Applying
 * takes database time; a download left idle meanwhile is closed by the server (Node closes an idle
 * keep-alive connection after 5 s, providers do likewise), and the harvest would then start over
 * from the first line. Spooled, the download runs at network speed and the database at its own.
 */
export async function spoolResults(results: AsyncIterable<RequestResult>): Promise<SpooledResults> {
  const path = join(tmpdir(), `${newId('spendwall-results-')}.jsonl`);
  const out = createWriteStream(path);
  let count = 0;
  try {
    for await (const result of results) {
      count++;
      if (!out.write(`${JSON.stringify(result)}\n`)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
  } catch (error) {
    out.destroy();
    rmSync(path, { force: true });
    throw error;
  }
  return {
    count,
    async *[Symbol.asyncIterator]() {
      const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
      // Written by this process a moment ago, so a plain parse is enough.
      for await (const line of lines) if (line) yield JSON.parse(line) as RequestResult;
    },
    dispose: () => rmSync(path, { force: true }),
  };
}

export interface SpooledResults extends AsyncIterable<RequestResult> {
  count: number;
  dispose(): void;
}
