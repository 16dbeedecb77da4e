import type { Lane } from '../../prices/types.js';
import type { UsageRecord } from '../usage-record.js';
import {
  FieldProblem,
  optionalBoolean,
  optionalText,
  optionalWholeNumber,
  problemMessage,
  RowProblem,
  text,
  wholeNumber,
} from './field-checks.js';
import { type JsonItem, positionIn, readJsonItems } from './json-items.js';
import { GenAiAttributes, readAttributes } from './otlp-attributes.js';
import { isObject, normalizeProvider, providerOfModel } from './row-tools.js';
import type { ImportOptions, ImportSource } from './types.js';

/**
 * OpenTelemetry traces in OTLP JSON (`{ resourceSpans: [{ resource, scopeSpans: [{ spans }] }] }`,
 * what the collector's file exporter writes, one export request per line). Every span of a model
 * call (GenAI semantic conventions) becomes one request; other spans (HTTP, database, tool calls,
 * agent spans that sum their children's tokens) are passed over without an issue. A file that is
 * one large document rather than JSON Lines is read whole up to 256 MiB (see json-items.ts).
 */

/** Operations that are one call to a model; `invoke_agent`, `execute_tool`… are not. */
const modelCalls = new Set([
  'chat',
  'text_completion',
  'generate_content',
  'embeddings',
  'responses',
  'completion',
]);

const openaiEndpoints: Record<string, string> = {
  chat: '/v1/chat/completions',
  text_completion: '/v1/completions',
  embeddings: '/v1/embeddings',
  responses: '/v1/responses',
};

export async function* readOtlp(source: ImportSource, options: ImportOptions): AsyncGenerator<UsageRecord> {
  for await (const item of readJsonItems(source.path, options)) {
    yield* spansOfRequest(item, source, options);
  }
}

function* spansOfRequest(
  item: JsonItem,
  source: ImportSource,
  options: ImportOptions,
): Generator<UsageRecord> {
  const resourceSpans = isObject(item.value) ? item.value['resourceSpans'] : undefined;
  if (!Array.isArray(resourceSpans)) {
    options.onIssue({
      path: source.path,
      position: positionIn(item, '') || '$',
      message: 'resourceSpans: expected an OTLP JSON trace export, an object with a resourceSpans array',
    });
    return;
  }
  for (let resourceIndex = 0; resourceIndex < resourceSpans.length; resourceIndex++) {
    const resourceSpan = resourceSpans[resourceIndex];
    if (!isObject(resourceSpan)) continue;
    const resourceAttributes = new GenAiAttributes();
    const resource = resourceSpan['resource'];
    if (isObject(resource)) readAttributes(resource['attributes'], resourceAttributes);
    const scopeSpans = resourceSpan['scopeSpans'];
    if (!Array.isArray(scopeSpans)) continue;
    for (let scopeIndex = 0; scopeIndex < scopeSpans.length; scopeIndex++) {
      const scopeSpan = scopeSpans[scopeIndex];
      const spans = isObject(scopeSpan) ? scopeSpan['spans'] : undefined;
      if (!Array.isArray(spans)) continue;
      for (let spanIndex = 0; spanIndex < spans.length; spanIndex++) {
        const span = spans[spanIndex];
        if (!isObject(span)) continue;
        const attributes = resourceAttributes.copy();
        readAttributes(span['attributes'], attributes);
        if (!attributes.isGenAi) continue;
        const operation = typeof attributes.operation === 'string' ? attributes.operation : undefined;
        if (operation !== undefined && !modelCalls.has(operation)) continue;
        const path = `resourceSpans[${resourceIndex}].scopeSpans[${scopeIndex}].spans[${spanIndex}]`;
        const position = positionIn(item, path);
        try {
          yield toRecord(span, attributes, operation, source, position);
        } catch (error) {
          options.onIssue({ path: source.path, position, message: problemMessage(error) });
        }
      }
    }
  }
}

function toRecord(
  span: Record<string, unknown>,
  attributes: GenAiAttributes,
  operation: string | undefined,
  source: ImportSource,
  position: string,
): UsageRecord {
  const model = text(attributes.responseModel ?? attributes.requestModel, 'gen_ai.request.model');
  const named = optionalText(attributes.provider ?? attributes.system, 'gen_ai.provider.name');
  const provider = named ? normalizeProvider(named) : providerOfModel(model);
  if (provider === undefined) {
    throw new FieldProblem(
      'gen_ai.provider.name',
      'the provider (openai, anthropic…), as the model id does not tell it',
      named,
    );
  }
  const startedAt = nanosecondsToMilliseconds(span['startTimeUnixNano'], 'startTimeUnixNano');
  const endedAt =
    span['endTimeUnixNano'] === undefined
      ? undefined
      : nanosecondsToMilliseconds(span['endTimeUnixNano'], 'endTimeUnixNano');
  const failed = isError(span['status']);
  const isEmbedding = operation === 'embeddings';
  // A failed call may end before any usage is reported: its tokens are then zero, not unknown.
  let inputTokens =
    failed && attributes.inputTokens === undefined
      ? 0
      : wholeNumber(attributes.inputTokens, 'gen_ai.usage.input_tokens');
  const outputTokens =
    (failed || isEmbedding) && attributes.outputTokens === undefined
      ? 0
      : wholeNumber(attributes.outputTokens, 'gen_ai.usage.output_tokens');
  const cacheRead = optionalWholeNumber(attributes.cacheReadTokens, 'gen_ai.usage.cache_read.input_tokens');
  const cacheCreation = optionalWholeNumber(
    attributes.cacheCreationTokens,
    'gen_ai.usage.cache_creation.input_tokens',
  );
  // The conventions count cache reads and writes inside input_tokens; older Anthropic
  // instrumentations report them beside it (as the Messages API does). Fewer input tokens than
  // cached ones can only mean the latter, so they are added back.
  const fromCache = (cacheRead ?? 0) + (cacheCreation ?? 0);
  if (fromCache > inputTokens) inputTokens += fromCache;
  const serviceTier = optionalText(
    attributes.responseServiceTier ?? attributes.requestServiceTier,
    'openai.request.service_tier',
  );

  const record: UsageRecord = {
    startedAt,
    requests: 1,
    provider,
    model,
    lane: laneOf(attributes.lane, serviceTier),
    inputTokens,
    outputTokens,
    origin: { format: source.format, path: source.path, position },
  };
  const endpoint = endpointOf(provider, operation);
  if (endpoint) record.endpoint = endpoint;
  const workload = optionalText(attributes.workload, 'spendwall.workload');
  if (workload) record.workload = workload;
  const team = optionalText(attributes.team, 'spendwall.team');
  if (team) record.team = team;
  const endUser = optionalText(attributes.endUserId ?? attributes.userId, 'user.id');
  if (endUser) record.endUser = endUser;
  const session = optionalText(attributes.conversation ?? attributes.sessionId, 'gen_ai.conversation.id');
  if (session) record.session = session;
  const userAgent = optionalText(attributes.userAgent, 'user_agent.original');
  if (userAgent) record.userAgent = userAgent;
  const stream = optionalBoolean(attributes.stream, 'gen_ai.request.stream');
  if (stream !== undefined) record.stream = stream;
  if (endedAt !== undefined) {
    if (endedAt < startedAt) throw new RowProblem('endTimeUnixNano is before startTimeUnixNano');
    record.latencyMs = endedAt - startedAt;
  }
  if (failed) record.failed = true;
  if (serviceTier) record.serviceTier = serviceTier;
  const service = optionalText(attributes.serviceName, 'service.name');
  if (service) record.service = service;
  const requestId =
    optionalText(attributes.responseId, 'gen_ai.response.id') ?? optionalText(span['spanId'], 'spanId');
  if (requestId) record.requestId = requestId;
  if (cacheRead) record.cachedInputTokens = cacheRead;
  if (cacheCreation) record.cacheCreationInputTokens = cacheCreation;
  return record;
}

function laneOf(lane: unknown, serviceTier: string | undefined): Lane {
  if (lane === 'batch' || lane === 'flex' || lane === 'realtime') return lane;
  return serviceTier === 'flex' ? 'flex' : 'realtime';
}

function endpointOf(provider: string, operation: string | undefined): string | undefined {
  if (operation === undefined) return undefined;
  if (provider === 'openai') return openaiEndpoints[operation];
  if (provider === 'anthropic' && operation === 'chat') return '/v1/messages';
  return undefined;
}

/** OTLP JSON writes fixed64 times as decimal strings (some exporters as numbers). */
function nanosecondsToMilliseconds(value: unknown, field: string): number {
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof number === 'number' && Number.isFinite(number) && number > 0) return Math.round(number / 1e6);
  throw new FieldProblem(field, 'nanoseconds since the epoch', value);
}

/** Status code 2 (`STATUS_CODE_ERROR`). */
function isError(status: unknown): boolean {
  if (!isObject(status)) return false;
  const code = status['code'];
  return code === 2 || code === 'STATUS_CODE_ERROR';
}
