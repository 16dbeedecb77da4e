import { z } from 'zod';
import type { OpenAIErrorFields } from '../http-errors.js';
import type { BatchRequest } from './batch-lifecycle.js';
import { checkLifetime, missing, quotedList } from './file-upload-validation.js';

/** The endpoints `POST /v1/batches` accepts, as the SDK's `BatchCreateParams` lists them. */
export const batchEndpoints = [
  '/v1/responses',
  '/v1/chat/completions',
  '/v1/embeddings',
  '/v1/completions',
  '/v1/moderations',
  '/v1/images/generations',
  '/v1/images/edits',
  '/v1/videos',
] as const;

/** OpenAI's metadata limits: 16 pairs, keys up to 64 characters, values up to 512. */
const maxMetadataPairs = 16;
const maxMetadataKeyLength = 64;
const maxMetadataValueLength = 512;

/** The known parameters; each is checked below with OpenAI's own message, so here only unknown keys fail. */
const createBatchSchema = z.strictObject({
  input_file_id: z.unknown().optional(),
  endpoint: z.unknown().optional(),
  completion_window: z.unknown().optional(),
  metadata: z.unknown().optional(),
  output_expires_after: z.unknown().optional(),
});

const outputExpiresAfterSchema = z.strictObject({ anchor: z.literal('created_at'), seconds: z.int() });

/**
 * Checks a `POST /v1/batches` body the way OpenAI does before a batch exists, and answers with
 * OpenAI's messages, each naming the offending parameter.
 */
export function checkCreateBatch(body: unknown): BatchRequest | { error: OpenAIErrorFields } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { error: { message: 'The request body must be a JSON object.', type: 'invalid_request_error' } };
  }
  const shape = createBatchSchema.safeParse(body);
  if (!shape.success) {
    const unknown = shape.error.issues.find((issue) => issue.code === 'unrecognized_keys');
    const key = unknown && 'keys' in unknown ? unknown.keys[0] : undefined;
    return {
      error: {
        message: `Unrecognized request argument supplied: ${key}`,
        type: 'invalid_request_error',
        param: key ?? null,
        code: 'unknown_parameter',
      },
    };
  }
  const fields = shape.data;
  for (const name of ['input_file_id', 'endpoint', 'completion_window'] as const) {
    if (fields[name] === undefined || fields[name] === null) return missing(name);
    if (typeof fields[name] !== 'string') return invalidType(name, 'a string');
  }
  const endpoint = fields.endpoint as string;
  if (!(batchEndpoints as readonly string[]).includes(endpoint)) {
    return invalidValue('endpoint', endpoint, batchEndpoints);
  }
  const completionWindow = fields.completion_window as string;
  if (completionWindow !== '24h') return invalidValue('completion_window', completionWindow, ['24h']);

  const metadata = checkMetadata(fields.metadata);
  if (metadata && 'error' in metadata) return metadata;

  let outputLifetimeSeconds: number | null = null;
  if (fields.output_expires_after !== undefined) {
    const parsed = outputExpiresAfterSchema.safeParse(fields.output_expires_after);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const param = ['output_expires_after', ...issue.path.map(String)].join('.');
      return {
        error: {
          message: `Invalid '${param}': expected an object with 'anchor': 'created_at' and an integer 'seconds'.`,
          type: 'invalid_request_error',
          param,
          code: 'invalid_value',
        },
      };
    }
    const lifetimeError = checkLifetime(parsed.data.seconds, 'output_expires_after.seconds');
    if (lifetimeError) return lifetimeError;
    outputLifetimeSeconds = parsed.data.seconds;
  }

  return {
    inputFileId: fields.input_file_id as string,
    endpoint,
    completionWindow,
    metadata: metadata?.pairs ?? null,
    outputLifetimeSeconds,
  };
}

function checkMetadata(
  value: unknown,
): { pairs: Record<string, string> } | { error: OpenAIErrorFields } | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) return invalidType('metadata', 'an object');
  const entries = Object.entries(value);
  if (entries.length > maxMetadataPairs) {
    return {
      error: {
        message: `Invalid 'metadata': too many properties. Expected an object with at most ${maxMetadataPairs} properties, but got an object with ${entries.length} properties instead.`,
        type: 'invalid_request_error',
        param: 'metadata',
        code: 'object_above_max_properties',
      },
    };
  }
  for (const [key, pairValue] of entries) {
    if (key.length > maxMetadataKeyLength) {
      return stringTooLong('metadata', maxMetadataKeyLength, key.length);
    }
    if (typeof pairValue !== 'string') return invalidType(`metadata.${key}`, 'a string');
    if (pairValue.length > maxMetadataValueLength) {
      return stringTooLong(`metadata.${key}`, maxMetadataValueLength, pairValue.length);
    }
  }
  return { pairs: Object.fromEntries(entries) as Record<string, string> };
}

function stringTooLong(param: string, maximum: number, length: number): { error: OpenAIErrorFields } {
  return {
    error: {
      message: `Invalid '${param}': string too long. Expected a string with maximum length ${maximum}, but got a string with length ${length} instead.`,
      type: 'invalid_request_error',
      param,
      code: 'string_above_max_length',
    },
  };
}

function invalidType(param: string, expected: string): { error: OpenAIErrorFields } {
  return {
    error: {
      message: `Invalid type for '${param}': expected ${expected}.`,
      type: 'invalid_request_error',
      param,
      code: 'invalid_type',
    },
  };
}

function invalidValue(
  param: string,
  value: string,
  allowed: readonly string[],
): { error: OpenAIErrorFields } {
  return {
    error: {
      message: `Invalid value: '${value}'. Supported values are: ${quotedList(allowed)}.`,
      type: 'invalid_request_error',
      param,
      code: 'invalid_value',
    },
  };
}
