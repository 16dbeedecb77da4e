import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

/** Writes lines to a file in 1 MiB chunks, waiting when the disk is behind (constant memory). */
export async function writeLines(path: string, lines: Iterable<string>): Promise<number> {
  const stream = createWriteStream(path);
  const failed = new Promise<never>((_, reject) => stream.once('error', reject));
  let buffer = '';
  let count = 0;
  for (const line of lines) {
    buffer += line + '\n';
    count++;
    if (buffer.length >= 1 << 20) {
      const ready = stream.write(buffer);
      buffer = '';
      if (!ready) await Promise.race([once(stream, 'drain'), failed]);
    }
  }
  stream.end(buffer);
  await Promise.race([once(stream, 'finish'), failed]);
  return count;
}
