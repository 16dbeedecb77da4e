import { z } from 'zod';
import type { ChunkedBytes } from './file-chunks.js';

/**
 * Reads and checks a batch input file the way OpenAI does while a batch is `validating`: every line
 * must be a JSON request `{custom_id, method, url, body}` for the batch's endpoint, custom_ids are
 * unique, and one model serves the whole file. Problems are reported as OpenAI's `BatchError`s, with
 * the (1-based) line they are on.
 *
 * OpenAI documents the shape but not the list of codes. `invalid_json_line`, `invalid_url` (whose
 * message OpenAI's Batch FAQ quotes), `duplicate_custom_id` and `mismatched_model` follow answers
 * seen from OpenAI and from the providers that mirror its wording; `empty_file`, `too_many_tasks`
 * and `file_too_large` are the best names known for the whole-file failures.
 */

export interface BatchError {
  code: string;
  message: string;
  param: string | null;
  line: number | null;
}

export interface BatchInputLine {
  /** 1-based physical line in the file. */
  lineNumber: number;
  customId: string;
  /**
   * Where the line sits in `BatchInput.source`. Bodies are parsed again when their line runs rather
   * than kept from validation: 50,000 parsed bodies hold about 40 MB for as long as the batch runs.
   */
  start: number;
  end: number;
}

export interface BatchInput {
  /** The file's bytes. */
  source: ChunkedBytes;
  lines: BatchInputLine[];
  errors: BatchError[];
  /** The model of the first line that names one. */
  model: string | null;
}

export interface BatchInputLimits {
  maxRequests: number;
  maxBytes: number;
}

/** Enough errors to fix a file in one pass, few enough to keep the batch object small. */
const maxReportedErrors = 1000;

const requestLineSchema = z.object({
  custom_id: z.string(),
  method: z.string(),
  url: z.string(),
  // A plain check, not `z.record`: a record schema copies every body, and a batch has 50,000 of them.
  body: z.custom<Record<string, unknown>>(
    (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  ),
});

export function readBatchInput(
  content: ChunkedBytes,
  endpoint: string,
  limits: BatchInputLimits,
): BatchInput {
  if (content.length > limits.maxBytes) {
    return failure(content, {
      code: 'file_too_large',
      message: `The batch input file is larger than the ${limits.maxBytes} byte maximum. Please try again with a smaller batch.`,
      param: null,
      line: null,
    });
  }
  const spans = lineSpans(content);
  if (spans.length === 0) {
    return failure(content, {
      code: 'empty_file',
      message: 'The batch input file is empty. Please ensure that the batch contains at least one request.',
      param: null,
      line: null,
    });
  }
  if (spans.length > limits.maxRequests) {
    return failure(content, {
      code: 'too_many_tasks',
      message: `The batch input file contains ${spans.length} requests, but a batch may contain at most ${limits.maxRequests} requests.`,
      param: null,
      line: null,
    });
  }

  const lines: BatchInputLine[] = [];
  const errors: BatchError[] = [];
  const seen = new Set<string>();
  let model: string | null = null;
  const report = (error: BatchError) => {
    if (errors.length < maxReportedErrors) errors.push(error);
  };

  for (const { lineNumber, start, end } of spans) {
    const parsed = parseLine(content.text(start, end));
    if (!parsed.success) {
      report({ ...parsed.error, line: lineNumber });
      continue;
    }
    const request = parsed.data;
    if (request.method !== 'POST') {
      report({
        code: 'invalid_value',
        message: `Invalid value: '${request.method}'. Supported values are: 'POST'.`,
        param: 'method',
        line: lineNumber,
      });
    }
    if (request.url !== endpoint) {
      report({
        code: 'invalid_url',
        message: 'The URL provided for this request does not prefix-match the batch endpoint.',
        param: 'url',
        line: lineNumber,
      });
    }
    const lineModel = request.body['model'];
    if (typeof lineModel !== 'string') {
      report({
        code: 'missing_required_parameter',
        message: "Missing required parameter: 'body.model'.",
        param: 'body.model',
        line: lineNumber,
      });
    } else if (model === null) {
      model = lineModel;
    } else if (lineModel !== model) {
      report({
        code: 'mismatched_model',
        message: `The model '${lineModel}' for this request does not match the rest of the batch. Each batch must contain requests for a single model.`,
        param: 'body.model',
        line: lineNumber,
      });
    }
    if (seen.has(request.custom_id)) {
      report({
        code: 'duplicate_custom_id',
        message: `The custom_id '${request.custom_id}' for this request is a duplicate of another request. The custom_id parameter must be unique for each request in a batch.`,
        param: 'custom_id',
        line: lineNumber,
      });
    }
    seen.add(request.custom_id);
    lines.push({ lineNumber, customId: request.custom_id, start, end });
  }
  return { source: content, lines, errors, model };
}

function failure(source: ChunkedBytes, error: BatchError): BatchInput {
  return { source, lines: [], errors: [error], model: null };
}

/** A line's request body, read from the file (validation has already checked it is an object). */
export function lineBody(input: BatchInput, line: BatchInputLine): Record<string, unknown> {
  return JSON.parse(input.source.text(line.start, line.end))['body'] as Record<string, unknown>;
}

/** Non-blank lines as byte ranges (a trailing `\r` excluded), with their 1-based numbers. */
function lineSpans(content: ChunkedBytes): Array<{ lineNumber: number; start: number; end: number }> {
  const spans: Array<{ lineNumber: number; start: number; end: number }> = [];
  let start = 0;
  let lineNumber = 1;
  while (start < content.length) {
    let end = content.indexOf(0x0a, start);
    if (end < 0) end = content.length;
    const next = end + 1;
    if (end > start && content.at(end - 1) === 0x0d) end--;
    if (!isBlank(content, start, end)) spans.push({ lineNumber, start, end });
    start = next;
    lineNumber++;
  }
  return spans;
}

function isBlank(content: ChunkedBytes, start: number, end: number): boolean {
  for (let index = start; index < end; index++) {
    const byte = content.at(index);
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false;
  }
  return true;
}

type ParsedLine =
  | { success: true; data: z.output<typeof requestLineSchema> }
  | { success: false; error: Omit<BatchError, 'line'> };

function parseLine(text: string): ParsedLine {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { success: false, error: invalidJsonLine };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { success: false, error: invalidJsonLine };
  }
  const result = requestLineSchema.safeParse(json);
  if (result.success) return { success: true, data: result.data };
  const issue = result.error.issues[0]!;
  const param = issue.path.join('.');
  const value = (json as Record<string, unknown>)[String(issue.path[0])];
  if (value === undefined) {
    return {
      success: false,
      error: {
        code: 'missing_required_parameter',
        message: `Missing required parameter: '${param}'.`,
        param,
      },
    };
  }
  const expected = param === 'body' ? 'an object' : 'a string';
  return {
    success: false,
    error: {
      code: 'invalid_type',
      message: `Invalid type for '${param}': expected ${expected}, but got ${describeType(value)} instead.`,
      param,
    },
  };
}

const invalidJsonLine = {
  code: 'invalid_json_line',
  message: 'This line is not parseable as valid JSON.',
  param: null,
};

/** How OpenAI names a JSON value's type in its `invalid_type` messages. */
function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a decimal';
  if (typeof value === 'boolean') return 'a boolean';
  if (typeof value === 'object') return 'an object';
  return 'a string';
}
