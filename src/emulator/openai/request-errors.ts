import { type OpenAIErrorFields, openAIErrorBody } from '../http-errors.js';

/** The answer one request gets: HTTP status and JSON body (the success body or OpenAI's error body). */
export interface LineOutcome {
  statusCode: number;
  body: unknown;
}

/** A request either passed validation (`value`) or already has its error answer (`outcome`). */
export type Checked<T> = { ok: true; value: T } | { ok: false; outcome: LineOutcome };

export function failure(statusCode: number, fields: OpenAIErrorFields): { ok: false; outcome: LineOutcome } {
  return { ok: false, outcome: { statusCode, body: openAIErrorBody(fields) } };
}

export function invalidRequest(
  message: string,
  param: string | null = null,
  code: string | null = null,
): { ok: false; outcome: LineOutcome } {
  return failure(400, { message, type: 'invalid_request_error', param, code });
}

/** `stream_options` without `stream`, refused the way both chat completions and responses refuse it. */
export function streamOptionsWithoutStream(request: {
  stream?: boolean | null;
  stream_options?: unknown;
}): { ok: false; outcome: LineOutcome } | undefined {
  if (request.stream_options == null || request.stream) return undefined;
  return invalidRequest(
    "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
    'stream_options',
  );
}

/** OpenAI's answer to a body that is not JSON, word for word. */
export const unparsableJsonMessage =
  "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP " +
  'library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have ' +
  'trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)';

export function modelNotFound(model: string) {
  return failure(404, {
    message: `The model \`${model}\` does not exist or you do not have access to it.`,
    type: 'invalid_request_error',
    param: 'model',
    code: 'model_not_found',
  });
}

export function missingParameter(param: string) {
  return invalidRequest(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');
}
