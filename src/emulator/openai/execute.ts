import type { EmulatorContext } from '../context.js';
import { executeChatCompletion } from './chat.js';
import { executeEmbeddings } from './embeddings.js';
import { invalidRequest, type LineOutcome } from './request-errors.js';
import { executeResponse } from './responses.js';

export type { LineOutcome } from './request-errors.js';

const executors = new Map<string, (context: EmulatorContext, body: unknown) => LineOutcome>([
  ['/v1/chat/completions', executeChatCompletion],
  ['/v1/embeddings', executeEmbeddings],
  ['/v1/responses', executeResponse],
]);

/**
 * Runs one OpenAI request body the way its real-time endpoint would, without HTTP: the same
 * validation, model checks and generated body, so a batch line's output is exactly what the
 * real-time call returns. No latency, no streaming and no real-time faults (`stream` is ignored, as
 * a batch line has no connection to stream on).
 */
export function executeOpenAIRequest(context: EmulatorContext, endpoint: string, body: unknown): LineOutcome {
  const executor = executors.get(endpoint);
  if (!executor) {
    return invalidRequest(
      `Invalid URL (POST ${endpoint}): the emulator runs ${[...executors.keys()].join(', ')}.`,
      'url',
    ).outcome;
  }
  return executor(context, body);
}
