import type { CreateEmbeddingResponse } from 'openai/resources/embeddings';
import { countEmbeddingTokens } from '../../core/tokens.js';
import type { EmulatorContext } from '../context.js';
import { embeddingVector } from '../text.js';
import { lookUpModel } from './model-lookup.js';
import { failure, invalidRequest, type LineOutcome } from './request-errors.js';
import { type EmbeddingRequest, embeddingParameters, embeddingRequestSchema } from './request-schemas.js';
import { validateBody } from './validation.js';

/** `POST /v1/embeddings`: deterministic unit vectors, as floats or as base64 float32. */

/** OpenAI's limits for its embedding models: tokens per input and per request. */
const maxInputTokens = 8192;
const maxRequestTokens = 300_000;

/** One input to embed: what decides its vector, and its token count. */
interface EmbeddingInput {
  key: string;
  tokens: number;
}

export function executeEmbeddings(context: EmulatorContext, body: unknown): LineOutcome {
  const validated = validateBody(embeddingRequestSchema, body, embeddingParameters, 'chat');
  if (!validated.ok) return validated.outcome;
  const request = validated.value;
  const model = lookUpModel(request.model, '/v1/embeddings');
  if (!model.ok) return model.outcome;
  const defaultDimensions = model.value.dimensions ?? 1536;

  let dimensions = defaultDimensions;
  if (request.dimensions !== undefined) {
    if (!model.value.shortenable) {
      return invalidRequest('This model does not support specifying dimensions.', 'dimensions').outcome;
    }
    if (request.dimensions > defaultDimensions) {
      return invalidRequest(
        `Invalid 'dimensions': integer above maximum value. Expected a value <= ${defaultDimensions}, but got ${request.dimensions} instead.`,
        'dimensions',
        'integer_above_max_value',
      ).outcome;
    }
    dimensions = request.dimensions;
  }

  const inputs = embeddingInputs(request.input);
  let promptTokens = 0;
  for (const input of inputs) {
    if (input.tokens > maxInputTokens) {
      return invalidRequest(
        `This model's maximum context length is ${maxInputTokens} tokens, however you requested ${input.tokens} tokens (${input.tokens} in your prompt; 0 for the completion). Please reduce your prompt; or completion length.`,
        'input',
        'context_length_exceeded',
      ).outcome;
    }
    promptTokens += input.tokens;
  }
  if (promptTokens > maxRequestTokens) {
    return failure(400, {
      message: `Requested ${promptTokens} tokens, max ${maxRequestTokens} tokens per request`,
      type: 'max_tokens_per_request',
      param: null,
      code: 'max_tokens_per_request',
    }).outcome;
  }

  const base64 = request.encoding_format === 'base64';
  const data = inputs.map((input, index) => {
    const vector = embeddingVector(input.key, context.options.seed, dimensions);
    return { object: 'embedding' as const, index, embedding: base64 ? toBase64(vector) : Array.from(vector) };
  });
  const response = {
    object: 'list' as const,
    data,
    model: request.model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
  return {
    statusCode: 200,
    body: response satisfies Omit<CreateEmbeddingResponse, 'data'> & { data: Array<{ embedding: unknown }> },
  };
}

/** A string, a list of strings, a list of token ids, or a list of those lists: one entry each. */
function embeddingInputs(input: EmbeddingRequest['input']): EmbeddingInput[] {
  if (typeof input === 'string') return [textInput(input)];
  if (input.length === 0) return [];
  if (typeof input[0] === 'number') return [tokenInput(input as number[])];
  return (input as Array<string | number[]>).map((item) =>
    typeof item === 'string' ? textInput(item) : tokenInput(item),
  );
}

function textInput(text: string): EmbeddingInput {
  return { key: text, tokens: countEmbeddingTokens(text) };
}

/** Token ids are embedded by their ids; their count is what OpenAI bills. */
function tokenInput(tokens: number[]): EmbeddingInput {
  return { key: `tokens:${tokens.join(',')}`, tokens: tokens.length };
}

/**
 * Little-endian float32, base64: what OpenAI sends and what the SDK decodes with
 * `new Float32Array(buffer)` (it asks for base64 whenever the caller did not choose a format).
 */
export function toBase64(vector: Float32Array): string {
  const bytes = Buffer.allocUnsafe(vector.length * 4);
  for (let index = 0; index < vector.length; index++) bytes.writeFloatLE(vector[index]!, index * 4);
  return bytes.toString('base64');
}
