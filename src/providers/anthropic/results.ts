import { z } from 'zod';
import { type Connection, requestStream } from '../internal/connection.js';
import { parseLine, readLinePages, type TextLine } from '../internal/json-lines.js';
import type { RequestResult } from '../provider.js';
import type { AnthropicBatchObject } from './batch-object.js';
import { anthropicUsage } from './usage.js';

/**
 * A line of a message batch's results: `{custom_id, result}` where the result's `type` is
 * succeeded, errored, canceled or expired. Any other type is read, not refused (see below).
 */
const resultLineSchema = z.object({
  custom_id: z.string(),
  result: z.looseObject({ type: z.string(), message: z.unknown().optional(), error: z.unknown().optional() }),
});
type ResultLine = z.output<typeof resultLineSchema>;

const errorObjectSchema = z.object({ type: z.string(), message: z.string().nullish() });

/**
 * An errored result's `error` is an ErrorResponse (`{type: "error", error: {type, message}}`);
 * early documentation showed the inner object alone, which is read too.
 */
const erroredSchema = z.union([
  z.object({ type: z.literal('error'), error: errorObjectSchema }).transform((value) => value.error),
  errorObjectSchema,
]);

/** Errors that another try can get past: the server's trouble, not the request's. */
const retryableErrorTypes: ReadonlySet<string> = new Set([
  'api_error',
  'overloaded_error',
  'rate_limit_error',
  'timeout_error',
]);

/**
 * Where the results are. `results_url` is followed only when it lies under the configured base
 * URL: the API key goes with the request, and must not go to a host the settings did not name.
 */
export function resultsPath(baseURL: string, batch: AnthropicBatchObject): string {
  const base = baseURL.replace(/\/+$/, '');
  const url = batch.results_url;
  if (url?.startsWith(`${base}/`)) return url.slice(base.length);
  return `/v1/messages/batches/${encodeURIComponent(batch.id)}/results`;
}

/** Streams the results of an ended batch, a page at a time. */
export async function* anthropicResults(
  connection: Connection,
  batch: AnthropicBatchObject,
): AsyncGenerator<RequestResult[]> {
  const path = resultsPath(connection.settings.baseURL, batch);
  const response = await requestStream(connection, { method: 'GET', path });
  const place = `batch ${batch.id}, results`;
  for await (const lines of readLinePages(response, place)) {
    yield lines.map((line) =>
      classifyAnthropicLine(
        readResultLine(line) ?? parseLine(line, resultLineSchema, place),
        place,
        line.number,
      ),
    );
  }
}

export function classifyAnthropicLine(line: ResultLine, place: string, lineNumber: number): RequestResult {
  const { result } = line;
  const base = { customId: line.custom_id, statusCode: null, body: null, error: null, usage: null };
  switch (result.type) {
    case 'succeeded':
      return {
        ...base,
        outcome: 'succeeded',
        // The message a real-time 200 would have carried.
        statusCode: 200,
        body: JSON.stringify(result.message),
        usage: anthropicUsage(result.message),
      };
    case 'errored': {
      const parsed = erroredSchema.safeParse(result.error);
      const error = parsed.success ? parsed.data : { type: 'unknown_error', message: null };
      return {
        ...base,
        outcome: retryableErrorTypes.has(error.type) ? 'failed_retryable' : 'failed_invalid',
        body: result.error === undefined ? null : JSON.stringify(result.error),
        error: { code: error.type, message: error.message ?? error.type },
      };
    }
    case 'canceled':
      return {
        ...base,
        outcome: 'cancelled',
        error: { code: 'batch_cancelled', message: 'the batch was cancelled before this request ran' },
      };
    case 'expired':
      return {
        ...base,
        outcome: 'expired',
        error: { code: 'batch_expired', message: 'the batch window closed before this request ran' },
      };
    default:
      // A result type added after this was written: not finished as far as we know, so another
      // batch may run the request (attempts are bounded by the engine).
      return {
        ...base,
        outcome: 'failed_retryable',
        error: {
          code: 'unknown_result_type',
          message: `${place}, line ${lineNumber}: result type ${JSON.stringify(result.type)} is not one Spendwall knows`,
        },
      };
  }
}

/**
 * The well-formed line, checked by hand instead of by zod on every result. It accepts only lines
 * the schema accepts; anything else gives `undefined`, and `parseLine` describes the problem.
 */
function readResultLine(line: TextLine): ResultLine | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line.text);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || typeof value['custom_id'] !== 'string') return undefined;
  const result = value['result'];
  if (!isRecord(result) || typeof result['type'] !== 'string') return undefined;
  return value as ResultLine;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
