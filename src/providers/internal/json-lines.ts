import type { z } from 'zod';
import { ProviderError } from '../http.js';

/**
 * Results files are read line by line as they arrive: only the current chunk and one unfinished
 * line are ever held, whatever the file's size.
 */

export interface TextLine {
  /** 1-based physical line number in the file. */
  number: number;
  text: string;
}

/**
 * The non-blank lines of a response body, a page per piece of the download (a few hundred lines:
 * one await per page, not per line). An interrupted download is a retryable ProviderError.
 */
export async function* readLinePages(response: Response, place: string): AsyncGenerator<TextLine[]> {
  if (!response.body) return;
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let pending = '';
  let number = 0;
  let finished = false;
  try {
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (error) {
        throw new ProviderError(`the download broke off after line ${number}: ${(error as Error).message}`, {
          status: null,
          providerCode: 'download_interrupted',
          isRetryable: true,
          place,
          cause: error,
        });
      }
      if (chunk.done) break;
      pending += decoder.decode(chunk.value, { stream: true });
      const page: TextLine[] = [];
      let start = 0;
      for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n', start)) {
        number++;
        const text = stripCarriageReturn(pending.slice(start, end));
        start = end + 1;
        if (text.trim().length > 0) page.push({ number, text });
      }
      pending = pending.slice(start);
      if (page.length > 0) yield page;
    }
    pending += decoder.decode();
    finished = true;
    const last = stripCarriageReturn(pending);
    if (last.trim().length > 0) yield [{ number: number + 1, text: last }];
  } finally {
    // A consumer that stops early must not leave the connection open.
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

function stripCarriageReturn(text: string): string {
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}

/**
 * One line parsed and checked against its schema. A malformed line is an error naming the file
 * and the line: results cannot be joined without it, and a retry would read the same bytes.
 */
export function parseLine<Schema extends z.ZodType>(
  line: TextLine,
  schema: Schema,
  place: string,
): z.output<Schema> {
  let value: unknown;
  try {
    value = JSON.parse(line.text);
  } catch (error) {
    throw malformed(`line ${line.number} is not JSON (${(error as Error).message})`, place);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.') || '(the line)';
    throw malformed(`line ${line.number}: ${field}: ${issue.message}`, place);
  }
  return parsed.data;
}

function malformed(message: string, place: string): ProviderError {
  return new ProviderError(message, {
    status: null,
    providerCode: 'malformed_result_line',
    isRetryable: false,
    place,
  });
}
