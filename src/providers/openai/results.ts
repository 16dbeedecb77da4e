import { z } from 'zod';
import { type Connection, requestStream } from '../internal/connection.js';
import { parseLine, readLinePages, type TextLine } from '../internal/json-lines.js';
import { outcomeForStatus } from '../internal/outcome.js';
import type { RequestResult } from '../provider.js';
import type { OpenAIBatchObject } from './batch-object.js';
import { readOpenAIError } from './errors.js';
import { openAIUsage } from './usage.js';

/**
 * A line of a batch's output or error file. It either got an HTTP answer (`response`) or never
 * ran (`error`, with `batch_expired` or `batch_cancelled`).
 */
const resultLineSchema = z
  .object({
    custom_id: z.string(),
    response: z
      .object({ status_code: z.number().int(), request_id: z.string().nullish(), body: z.unknown() })
      .nullish(),
    error: z.object({ code: z.string().nullish(), message: z.string().nullish() }).nullish(),
  })
  .refine((line) => line.response || line.error, 'a line needs a response or an error');
type ResultLine = z.output<typeof resultLineSchema>;

/** Error codes of lines that never ran, and what they mean for the request. */
const unrunOutcomes = new Map<string, RequestResult['outcome']>([
  ['batch_expired', 'expired'],
  ['batch_cancelled', 'cancelled'],
]);

/** Streams the output file, then the error file, of an ended batch, a page of results at a time. */
export async function* openAIResults(
  connection: Connection,
  batch: OpenAIBatchObject,
): AsyncGenerator<RequestResult[]> {
  const files = [
    { kind: 'output', id: batch.output_file_id },
    { kind: 'error', id: batch.error_file_id },
  ];
  for (const file of files) {
    if (!file.id) continue;
    const response = await requestStream(connection, {
      method: 'GET',
      path: `/files/${encodeURIComponent(file.id)}/content`,
    });
    const place = `batch ${batch.id}, ${file.kind} file ${file.id}`;
    for await (const lines of readLinePages(response, place)) {
      yield lines.map((line) =>
        classifyOpenAILine(readResultLine(line) ?? parseLine(line, resultLineSchema, place)),
      );
    }
  }
}

export function classifyOpenAILine(line: ResultLine): RequestResult {
  const { response } = line;
  if (response) {
    const outcome = outcomeForStatus(response.status_code);
    const succeeded = outcome === 'succeeded';
    const problem = succeeded ? null : readOpenAIError(response.body);
    return {
      customId: line.custom_id,
      outcome,
      statusCode: response.status_code,
      body: response.body === undefined ? null : JSON.stringify(response.body),
      error: problem
        ? { code: problem.code ?? `http_${response.status_code}`, message: problem.message }
        : null,
      usage: succeeded ? openAIUsage(response.body) : null,
    };
  }
  const code = line.error?.code ?? 'unknown_error';
  return {
    customId: line.custom_id,
    // A line that never ran for a reason not documented: another batch may run it.
    outcome: unrunOutcomes.get(code) ?? 'failed_retryable',
    statusCode: null,
    body: null,
    error: { code, message: line.error?.message ?? 'the line did not run' },
    usage: null,
  };
}

/**
 * The well-formed line, checked by hand instead of by zod on every result. It accepts only lines
 * the schema accepts; anything else (not JSON, a field of the wrong type) gives `undefined`, and
 * `parseLine` then describes the problem exactly as before.
 */
function readResultLine(line: TextLine): ResultLine | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line.text);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || typeof value['custom_id'] !== 'string') return undefined;
  const response = value['response'];
  const error = value['error'];
  if (response !== undefined && response !== null) {
    if (!isRecord(response) || !Number.isSafeInteger(response['status_code'])) return undefined;
    if (!isNullishString(response['request_id'])) return undefined;
  } else if (error === undefined || error === null) {
    return undefined;
  }
  if (error !== undefined && error !== null) {
    if (!isRecord(error) || !isNullishString(error['code']) || !isNullishString(error['message']))
      return undefined;
  }
  return value as ResultLine;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNullishString(value: unknown): boolean {
  return value === undefined || value === null || typeof value === 'string';
}
