import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import { readEngineRejects, readEngineResults } from './engine-results.js';

export interface BatchOutputs {
  output: { path: string; bytes: number; lines: number };
  errors: { path: string; bytes: number; lines: number };
}

/**
 * Turns the engine's results for a `/v1/batches` job into OpenAI's two files: succeeded lines in
 * the output file, everything else (provider errors with their answer, requests that ended
 * without one, lines the engine rejected) in the error file, each line
 * `{id, custom_id, response: {status_code, request_id, body} | null, error: {code, message} | null}`.
 * One merged file each, however many provider batches and retries the job took.
 */
export async function writeBatchOutputs(
  batchId: string,
  results: { outputPath: string | null; rejectsPath: string | null },
  paths: { output: string; errors: string },
): Promise<BatchOutputs> {
  const output = new LineFile(paths.output);
  const errors = new LineFile(paths.errors);
  const requestId = (line: number) => `req_${batchId.replace(/^batch_/, '')}_${line}`;
  try {
    if (results.outputPath) {
      for await (const result of readEngineResults(results.outputPath)) {
        const id = `batch_req_${batchId.replace(/^batch_/, '')}_${result.line}`;
        const response = result.response
          ? {
              status_code: result.response.status_code,
              request_id: requestId(result.line),
              body: result.response.body,
            }
          : null;
        if (result.status === 'succeeded') {
          await output.write({ id, custom_id: result.custom_id, response, error: null });
        } else if (response && (response.status_code ?? 0) >= 400) {
          await errors.write({ id, custom_id: result.custom_id, response, error: null });
        } else {
          const error = {
            code: result.error?.code ?? result.status,
            message: result.error?.message ?? `the request ended ${result.status}`,
          };
          await errors.write({ id, custom_id: result.custom_id, response: null, error });
        }
      }
    }
    if (results.rejectsPath) {
      for await (const reject of readEngineRejects(results.rejectsPath)) {
        const id = `batch_req_${batchId.replace(/^batch_/, '')}_${reject.line}`;
        await errors.write({
          id,
          custom_id: reject.custom_id,
          response: null,
          error: { code: reject.code, message: `line ${reject.line}: ${reject.reason}` },
        });
      }
    }
    return { output: await output.close(), errors: await errors.close() };
  } catch (error) {
    output.destroy();
    errors.destroy();
    throw error;
  }
}

/** A JSONL file written aside and renamed when whole. */
class LineFile {
  private readonly stream: WriteStream;
  private readonly temporary: string;
  private bytes = 0;
  private lines = 0;

  constructor(private readonly path: string) {
    this.temporary = `${path}.partial-${process.pid}`;
    this.stream = createWriteStream(this.temporary);
  }

  async write(value: unknown): Promise<void> {
    const text = `${JSON.stringify(value)}\n`;
    this.bytes += Buffer.byteLength(text);
    this.lines++;
    if (!this.stream.write(text)) await once(this.stream, 'drain');
  }

  async close(): Promise<{ path: string; bytes: number; lines: number }> {
    this.stream.end();
    await once(this.stream, 'finish');
    await rename(this.temporary, this.path);
    return { path: this.path, bytes: this.bytes, lines: this.lines };
  }

  destroy(): void {
    this.stream.destroy();
  }
}
