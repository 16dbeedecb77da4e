import type { z } from 'zod';
import { describeFirstIssue, describeValue } from './describe-issue.js';
import {
  anthropicBatchLineSchema,
  bodySchemas,
  maxCustomIdLength,
  openAiBatchLineSchema,
  requestBodySchema,
} from './line-schemas.js';
import type { RawLine } from './line-splitter.js';
import { estimateInputTokens, inputTokensUpperBound } from './token-estimate.js';
import {
  type AcceptedLine,
  anthropicEndpoint,
  type InputEndpoint,
  type InputFormat,
  type InputProvider,
  type JobInputLine,
  openAiEndpoints,
  type RejectCode,
  type RejectedLine,
  type TokenEstimate,
} from './types.js';

/**
 * Turns one line of a job file into an accepted request or a rejection with a reason. Three
 * shapes are accepted, told apart by their keys: OpenAI batch lines {custom_id, method, url, body},
 * Anthropic batch lines {custom_id, params}, and bare request bodies, whose provider and endpoint
 * follow from their fields unless the caller fixed them. Nothing here throws on bad input.
 */

export interface LineContext {
  maxLineBytes: number;
  /** `--provider`: every line must be, or becomes, a request for this provider. */
  provider: InputProvider | undefined;
  /** `--endpoint`: where bare bodies go, instead of inferring it. */
  endpoint: InputEndpoint | undefined;
  /** `upper-bound`: estimatedInputTokens bounds the tokenizer's count instead of being it (cheaper). */
  tokenEstimate?: TokenEstimate | undefined;
}

type JsonObject = Record<string, unknown>;

export function parseJobLine(raw: RawLine, context: LineContext): JobInputLine {
  const { text } = raw;
  if (text === null) {
    return rejectLine(
      raw,
      'line_too_large',
      `line: ${raw.byteLength} bytes, more than the ${context.maxLineBytes}-byte limit for one line`,
    );
  }
  if (!raw.isValidUtf8) {
    return rejectLine(raw, 'invalid_encoding', 'line: expected UTF-8 text, got invalid byte sequences');
  }
  if (text.trim() === '') return rejectLine(raw, 'empty_line', 'line: empty, expected a JSON object');

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return rejectLine(raw, 'invalid_json', `line: invalid JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return rejectLine(raw, 'wrong_type', `line: expected a JSON object, got ${describeValue(value)}`);
  }
  const record = value as JsonObject;
  const customId = validCustomId(record['custom_id']);
  const isAnthropicShape = 'params' in record;
  const isOpenAiShape = 'body' in record || 'url' in record || 'method' in record;

  if (isAnthropicShape && isOpenAiShape) {
    return rejectLine(
      raw,
      'unrecognized_shape',
      'line: has both `params` (Anthropic batch line) and `body`/`url`/`method` (OpenAI batch line), expected one shape',
      customId,
    );
  }
  if (!isAnthropicShape && !isOpenAiShape && 'custom_id' in record) {
    return rejectLine(
      raw,
      'unrecognized_shape',
      'line: has custom_id but no `body` or `params`, expected an OpenAI batch line {custom_id, method, url, body}, an Anthropic batch line {custom_id, params}, or a bare request body without custom_id',
      customId,
    );
  }

  if (isAnthropicShape) return parseAnthropicBatchLine(raw, record, customId, context);
  if (isOpenAiShape) return parseOpenAiBatchLine(raw, record, customId, context);
  return parseBareBody(raw, record, context);
}

function parseAnthropicBatchLine(
  raw: RawLine,
  record: JsonObject,
  customId: string | null,
  context: LineContext,
): JobInputLine {
  if (context.provider === 'openai') {
    return rejectLine(
      raw,
      'provider_mismatch',
      'line: is an Anthropic batch line {custom_id, params} but --provider openai expects OpenAI batch lines {custom_id, method, url, body} or bare request bodies',
      customId,
    );
  }
  // Well-formed lines pass the hand check; zod runs only to say what is wrong with the others.
  if (!(customId !== null && isBody(anthropicEndpoint, record['params']))) {
    const checked = anthropicBatchLineSchema.safeParse(record);
    if (!checked.success) return rejectIssue(raw, checked.error, record, [], customId);
  }
  return acceptLine(
    raw,
    'anthropic-batch',
    'anthropic',
    anthropicEndpoint,
    customId!,
    record['params'] as JsonObject,
    context,
  );
}

function parseOpenAiBatchLine(
  raw: RawLine,
  record: JsonObject,
  customId: string | null,
  context: LineContext,
): JobInputLine {
  if (context.provider === 'anthropic') {
    return rejectLine(
      raw,
      'provider_mismatch',
      'line: is an OpenAI batch line {custom_id, method, url, body} but --provider anthropic expects Anthropic batch lines {custom_id, params} or bare Messages request bodies',
      customId,
    );
  }
  const url = record['url'];
  const body = record['body'] as JsonObject;
  // Well-formed lines pass the hand check; zod runs only to say what is wrong with the others.
  if (
    customId !== null &&
    record['method'] === 'POST' &&
    openAiEndpoints.includes(url as (typeof openAiEndpoints)[number]) &&
    isBody(url as InputEndpoint, body)
  ) {
    return acceptLine(raw, 'openai-batch', 'openai', url as InputEndpoint, customId, body, context);
  }
  const envelope = openAiBatchLineSchema.safeParse(record);
  if (!envelope.success) return rejectIssue(raw, envelope.error, record, [], customId);
  const endpoint = envelope.data.url;
  const checked = bodySchemas[endpoint].safeParse(body);
  if (!checked.success) return rejectIssue(raw, checked.error, body, ['body'], customId);
  return acceptLine(raw, 'openai-batch', 'openai', endpoint, customId!, body, context);
}

function parseBareBody(raw: RawLine, record: JsonObject, context: LineContext): JobInputLine {
  // The line number is the id, so a resumed ingest gives the line the same one.
  const bareId = `line-${raw.line}`;
  if (typeof record['model'] !== 'string') {
    const base = requestBodySchema.safeParse(record);
    if (!base.success) return rejectIssue(raw, base.error, record, [], bareId);
  }
  const provider = context.provider ?? inferProvider(record, context.endpoint);
  const endpoint =
    provider === 'anthropic' ? anthropicEndpoint : (context.endpoint ?? inferOpenAiEndpoint(record));
  if (endpoint === undefined) {
    return rejectLine(
      raw,
      'missing_field',
      'messages: missing, expected `messages` (chat completions), `input` (embeddings or responses) or `prompt` (completions) in a bare request body',
      bareId,
    );
  }
  if (!isBody(endpoint, record)) {
    const checked = bodySchemas[endpoint].safeParse(record);
    if (!checked.success) return rejectIssue(raw, checked.error, record, [], bareId);
  }
  return acceptLine(raw, 'bare', provider, endpoint, bareId, record, context);
}

// Module-level helpers rather than closures per line: this runs 200,000 times in a large job.

function rejectLine(
  raw: RawLine,
  code: RejectCode,
  reason: string,
  customId: string | null = null,
): RejectedLine {
  return {
    kind: 'rejected',
    line: raw.line,
    startOffset: raw.startOffset,
    endOffset: raw.endOffset,
    customId,
    code,
    reason,
  };
}

function rejectIssue(
  raw: RawLine,
  error: z.ZodError,
  input: unknown,
  prefix: readonly PropertyKey[],
  customId: string | null,
): RejectedLine {
  const { code, reason } = describeFirstIssue(error, input, prefix);
  return rejectLine(raw, code, reason, customId);
}

function acceptLine(
  raw: RawLine,
  format: InputFormat,
  provider: InputProvider,
  endpoint: InputEndpoint,
  customId: string,
  body: JsonObject,
  context: LineContext,
): AcceptedLine {
  return {
    kind: 'accepted',
    line: raw.line,
    startOffset: raw.startOffset,
    endOffset: raw.endOffset,
    customId,
    provider,
    endpoint,
    model: body['model'] as string,
    body: JSON.stringify(body),
    estimatedInputTokens:
      context.tokenEstimate === 'upper-bound'
        ? inputTokensUpperBound(endpoint, body)
        : estimateInputTokens(endpoint, body),
    format,
  };
}

/**
 * Whether a body passes its endpoint's schema in line-schemas.ts, checked by hand: zod costs more
 * than parsing the line. Never looser than the schema (a body this refuses goes to zod, which
 * accepts it or says why not); keep the two in step.
 */
function isBody(endpoint: InputEndpoint, body: unknown): body is JsonObject {
  if (!isObject(body) || typeof body['model'] !== 'string') return false;
  switch (endpoint) {
    case '/v1/chat/completions':
      return isObjectList(body['messages']);
    case '/v1/messages': {
      const maxTokens = body['max_tokens'];
      const system = body['system'];
      return (
        typeof maxTokens === 'number' &&
        Number.isSafeInteger(maxTokens) &&
        maxTokens > 0 &&
        isObjectList(body['messages']) &&
        (system === undefined || isTextOrList(system))
      );
    }
    case '/v1/responses': {
      const instructions = body['instructions'];
      const input = body['input'];
      return (
        (input === undefined || isTextOrList(input)) &&
        (instructions === undefined || instructions === null || typeof instructions === 'string')
      );
    }
    case '/v1/embeddings':
    case '/v1/moderations':
      return isTextOrList(body['input']);
    case '/v1/completions':
      return isTextOrList(body['prompt']);
  }
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isObjectList(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (const item of value) if (!isObject(item)) return false;
  return true;
}

function isTextOrList(value: unknown): boolean {
  return typeof value === 'string' || Array.isArray(value);
}

function validCustomId(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 && value.length <= maxCustomIdLength ? value : null;
}

function inferProvider(body: JsonObject, endpoint: InputEndpoint | undefined): InputProvider {
  if (endpoint !== undefined) return endpoint === anthropicEndpoint ? 'anthropic' : 'openai';
  return (body['model'] as string).startsWith('claude') ? 'anthropic' : 'openai';
}

function inferOpenAiEndpoint(body: JsonObject): InputEndpoint | undefined {
  if ('messages' in body) return '/v1/chat/completions';
  if ('input' in body) {
    const model = body['model'] as string;
    if (model.includes('embedding')) return '/v1/embeddings';
    return model.includes('moderation') ? '/v1/moderations' : '/v1/responses';
  }
  if ('prompt' in body) return '/v1/completions';
  return undefined;
}
