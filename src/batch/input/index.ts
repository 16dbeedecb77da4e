export { formatPath } from './describe-issue.js';
export { maxCustomIdLength } from './line-schemas.js';
export { LineSplitter, type RawLine } from './line-splitter.js';
export { type LineContext, parseJobLine } from './parse-line.js';
export { defaultMaxLineBytes, readJobInput, readJobInputPages } from './read-job-input.js';
export { estimateInputTokens, inputTokensUpperBound } from './token-estimate.js';
export type {
  AcceptedLine,
  InputEndpoint,
  InputFormat,
  InputProvider,
  JobInputLine,
  ReadJobInputOptions,
  RejectCode,
  RejectedLine,
  TokenEstimate,
} from './types.js';
export { anthropicEndpoint, openAiEndpoints } from './types.js';
