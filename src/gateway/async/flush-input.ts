import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import type { SqlExecutor } from '../../store/sql.js';
import { flushRequestsPage } from './flush-records.js';

/**
 * Writes a flush's input for the batch lane's engine: one provider batch line per request, the
 * request's id as `custom_id`, the body spliced in as received (it was made one line at
 * acceptance). Lines are in id order, so a rebuilt file is byte-identical and the engine finds
 * the same job by fingerprint. Written aside, synced, then renamed: a file that exists is whole.
 */
export async function writeFlushInput(
  executor: SqlExecutor,
  flush: { id: string; provider: string; inputPath: string },
): Promise<number> {
  if (existsSync(flush.inputPath)) return -1;
  const temporary = `${flush.inputPath}.partial-${process.pid}`;
  const stream = createWriteStream(temporary);
  let count = 0;
  try {
    let afterId = '';
    for (;;) {
      const page = await flushRequestsPage(executor, flush.id, afterId, 1000);
      if (page.length === 0) break;
      for (const request of page) {
        count++;
        if (!stream.write(batchLine(flush.provider, request))) await once(stream, 'drain');
      }
      afterId = page.at(-1)!.id;
    }
    stream.end();
    await once(stream, 'finish');
  } catch (error) {
    stream.destroy();
    throw error;
  }
  const handle = await open(temporary, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, flush.inputPath);
  return count;
}

/** One line of the provider's own batch format. */
export function batchLine(provider: string, request: { id: string; endpoint: string; body: string }): string {
  if (provider === 'anthropic')
    return `{"custom_id":${JSON.stringify(request.id)},"params":${request.body}}\n`;
  return `{"custom_id":${JSON.stringify(request.id)},"method":"POST","url":${JSON.stringify(request.endpoint)},"body":${request.body}}\n`;
}
