/**
 * The lines of a batch's output and error files, in the shapes OpenAI documents:
 * - a line that got an HTTP answer: `{id, custom_id, response: {status_code, request_id, body}, error: null}`
 *   (in the output file when the status is 2xx, in the error file otherwise);
 * - a line that never ran: `{id, custom_id, response: null, error: {code, message}}` in the error file,
 *   with `batch_expired` or `batch_cancelled`.
 */

export function answeredLine(
  id: string,
  customId: string,
  statusCode: number,
  requestId: string,
  body: unknown,
) {
  // Assembled by hand around the one stringify that matters: 50,000 wrapper objects are pure garbage.
  return (
    `{"id":"${id}","custom_id":${JSON.stringify(customId)},"response":{"status_code":${statusCode},` +
    `"request_id":"${requestId}","body":${JSON.stringify(body)}},"error":null}`
  );
}

const unrunMessages = {
  batch_expired: 'This request could not be executed before the completion window expired.',
  batch_cancelled: 'This request could not be executed before the batch was cancelled.',
} as const;

export function unrunLine(id: string, customId: string, code: keyof typeof unrunMessages) {
  return JSON.stringify({
    id,
    custom_id: customId,
    response: null,
    error: { code, message: unrunMessages[code] },
  });
}

/**
 * Collects JSONL as encoded pieces of about 64 KB. A 50,000-line output never exists as one huge
 * string next to its encoded copy, and the line strings waiting for encoding die young: a megabyte
 * of them lives long enough to reach V8's old generation, which raised the benchmark's peak RSS by
 * some 60 MB.
 */
const pieceLength = 64 * 1024;

export class JsonlWriter {
  private readonly chunks: Buffer[] = [];
  private pending: string[] = [];
  private pendingLength = 0;
  lineCount = 0;

  write(line: string): void {
    this.pending.push(line);
    this.pendingLength += line.length + 1;
    this.lineCount++;
    if (this.pendingLength >= pieceLength) this.flush();
  }

  /** Everything written so far, in pieces. */
  pieces(): { content: Buffer[]; bytes: number } {
    this.flush();
    return { content: this.chunks.slice(), bytes: this.chunks.reduce((sum, chunk) => sum + chunk.length, 0) };
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.chunks.push(Buffer.from(this.pending.join('\n') + '\n'));
    this.pending = [];
    this.pendingLength = 0;
  }
}
