/**
 * What the batch lane's input reader hands the engine: one record per physical line of the job
 * file, accepted or rejected, each with the byte range it came from so an ingest that crashed can
 * resume exactly after the last line it recorded.
 */

export type InputProvider = 'openai' | 'anthropic';

/** The request routes a job line may target, across both providers. */
export type InputEndpoint =
  | '/v1/chat/completions'
  | '/v1/embeddings'
  | '/v1/responses'
  | '/v1/completions'
  | '/v1/moderations'
  | '/v1/messages';

/** The OpenAI batch routes, in the order error messages list them. */
export const openAiEndpoints = [
  '/v1/chat/completions',
  '/v1/embeddings',
  '/v1/responses',
  '/v1/completions',
  '/v1/moderations',
] as const satisfies readonly InputEndpoint[];

export const anthropicEndpoint = '/v1/messages' satisfies InputEndpoint;

export type InputFormat = 'openai-batch' | 'anthropic-batch' | 'bare';

export interface AcceptedLine {
  kind: 'accepted';
  /** 1-based physical line number in the file. */
  line: number;
  /** Byte offset of the line's first byte. */
  startOffset: number;
  /** Byte offset just past the line's newline: where to resume reading. */
  endOffset: number;
  customId: string;
  provider: InputProvider;
  endpoint: InputEndpoint;
  model: string;
  /** The request body (OpenAI `body`, Anthropic `params`, or the bare body) as minified JSON text. */
  body: string;
  estimatedInputTokens: number;
  format: InputFormat;
}

export type RejectCode =
  | 'empty_line'
  | 'line_too_large'
  | 'invalid_encoding'
  | 'invalid_json'
  | 'unrecognized_shape'
  | 'missing_field'
  | 'wrong_type'
  | 'invalid_value'
  | 'invalid_custom_id'
  | 'unsupported_endpoint'
  | 'provider_mismatch';

export interface RejectedLine {
  kind: 'rejected';
  line: number;
  startOffset: number;
  endOffset: number;
  /**
   * The line's custom_id when it carried a valid one, `line-<n>` for a bare body, null when the
   * line could not be read far enough to tell.
   */
  customId: string | null;
  code: RejectCode;
  /** For people: names the field and what was expected, e.g. "body.model: expected a string, got 42". */
  reason: string;
}

export type JobInputLine = AcceptedLine | RejectedLine;

export interface ReadJobInputOptions {
  /** Byte offset to start reading at; must be the start of a line (a previous line's endOffset). */
  startOffset?: number;
  /** The line number of the byte at startOffset; required when startOffset is past 0. */
  startLine?: number;
  /** Longest line accepted, in bytes without its line ending. Default 32 MiB. */
  maxLineBytes?: number;
  /** Forces the provider of every line (the `--provider` flag). */
  provider?: InputProvider;
  /** The endpoint of bare request bodies, instead of inferring it from their fields. */
  endpoint?: string;
  /** Read chunk size in bytes. Default 1 MiB. */
  highWaterMark?: number;
  /**
   * `exact` (the default): estimatedInputTokens is the tokenizer's count. `upper-bound`: a bound
   * of it from the texts' UTF-8 bytes, for a fraction of the cost.
   */
  tokenEstimate?: TokenEstimate;
}

export type TokenEstimate = 'exact' | 'upper-bound';
