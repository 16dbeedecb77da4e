import type { EmulatorContext } from '../context.js';
import { openAIErrorBody } from '../http-errors.js';

/** The answer one request would get: HTTP status and JSON body. */
export interface LineOutcome {
  statusCode: number;
  body: unknown;
}

/**
 * Runs one OpenAI request body the way its real-time endpoint would, without HTTP. Batches use
 * it for every line, so a line's output is exactly what the real-time call returns.
 * (Placeholder until the real-time endpoints land; replaced by their implementation.)
 */
export function executeOpenAIRequest(_context: EmulatorContext, endpoint: string, _body: unknown): LineOutcome {
  return {
    statusCode: 400,
    body: openAIErrorBody({ message: `unsupported endpoint ${endpoint}`, type: 'invalid_request_error', param: 'url' }),
  };
}
