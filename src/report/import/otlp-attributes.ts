/**
 * OTLP JSON attribute lists (`[{ key, value: { stringValue | intValue | … } }]`) read into the
 * few fields Spendwall uses, with one switch per attribute instead of a map per span. Names follow
 * the OpenTelemetry GenAI semantic conventions, current and earlier (`gen_ai.provider.name` and
 * the older `gen_ai.system`, `gen_ai.usage.input_tokens` and the older `prompt_tokens`), plus
 * Spendwall's own `spendwall.*` labels.
 */

/**
 * A class with every field declared up front, so that every instance has one shape: span
 * attributes are written by name, and an object built by spreading the resource's attributes
 * measured twenty times slower per span (each object took its own dictionary shape).
 */
export class GenAiAttributes {
  provider: unknown = undefined;
  system: unknown = undefined;
  operation: unknown = undefined;
  requestModel: unknown = undefined;
  responseModel: unknown = undefined;
  inputTokens: unknown = undefined;
  outputTokens: unknown = undefined;
  cacheReadTokens: unknown = undefined;
  cacheCreationTokens: unknown = undefined;
  conversation: unknown = undefined;
  sessionId: unknown = undefined;
  userId: unknown = undefined;
  endUserId: unknown = undefined;
  stream: unknown = undefined;
  requestServiceTier: unknown = undefined;
  responseServiceTier: unknown = undefined;
  responseId: unknown = undefined;
  userAgent: unknown = undefined;
  serviceName: unknown = undefined;
  workload: unknown = undefined;
  team: unknown = undefined;
  lane: unknown = undefined;
  /** Any `gen_ai.*` or `llm.*` attribute was seen: the span is about a model. */
  isGenAi = false;

  /** A copy to read a span's attributes into, the resource's values as defaults. */
  copy(): GenAiAttributes {
    const copy = new GenAiAttributes();
    copy.provider = this.provider;
    copy.system = this.system;
    copy.operation = this.operation;
    copy.requestModel = this.requestModel;
    copy.responseModel = this.responseModel;
    copy.inputTokens = this.inputTokens;
    copy.outputTokens = this.outputTokens;
    copy.cacheReadTokens = this.cacheReadTokens;
    copy.cacheCreationTokens = this.cacheCreationTokens;
    copy.conversation = this.conversation;
    copy.sessionId = this.sessionId;
    copy.userId = this.userId;
    copy.endUserId = this.endUserId;
    copy.stream = this.stream;
    copy.requestServiceTier = this.requestServiceTier;
    copy.responseServiceTier = this.responseServiceTier;
    copy.responseId = this.responseId;
    copy.userAgent = this.userAgent;
    copy.serviceName = this.serviceName;
    copy.workload = this.workload;
    copy.team = this.team;
    copy.lane = this.lane;
    return copy;
  }
}

/** The value of an OTLP `AnyValue`; int64 arrives as a string in OTLP JSON and is kept so. */
export function anyValue(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  const typed = value as Record<string, unknown>;
  if ('stringValue' in typed) return typed['stringValue'];
  if ('intValue' in typed) return typed['intValue'];
  if ('boolValue' in typed) return typed['boolValue'];
  if ('doubleValue' in typed) return typed['doubleValue'];
  if ('arrayValue' in typed) {
    const values = (typed['arrayValue'] as { values?: unknown[] } | undefined)?.values;
    return Array.isArray(values) ? values.map(anyValue) : [];
  }
  return undefined;
}

type Slot = Exclude<keyof GenAiAttributes, 'isGenAi' | 'copy'>;

/**
 * Attribute name → field. A map lookup hashes the name once; a `switch` over thirty names would
 * compare it with each in turn (names in OTLP JSON are values, not interned property keys).
 */
const slots = new Map<string, Slot>([
  ['gen_ai.provider.name', 'provider'],
  ['gen_ai.system', 'system'],
  ['gen_ai.operation.name', 'operation'],
  ['gen_ai.request.model', 'requestModel'],
  ['gen_ai.response.model', 'responseModel'],
  ['gen_ai.usage.input_tokens', 'inputTokens'],
  ['gen_ai.usage.prompt_tokens', 'inputTokens'],
  ['gen_ai.usage.output_tokens', 'outputTokens'],
  ['gen_ai.usage.completion_tokens', 'outputTokens'],
  ['gen_ai.usage.cache_read.input_tokens', 'cacheReadTokens'],
  ['gen_ai.usage.cache_read_input_tokens', 'cacheReadTokens'],
  ['gen_ai.usage.cache_creation.input_tokens', 'cacheCreationTokens'],
  ['gen_ai.usage.cache_creation_input_tokens', 'cacheCreationTokens'],
  ['gen_ai.conversation.id', 'conversation'],
  ['session.id', 'sessionId'],
  ['user.id', 'userId'],
  ['enduser.id', 'endUserId'],
  ['gen_ai.request.stream', 'stream'],
  ['llm.is_streaming', 'stream'],
  ['openai.request.service_tier', 'requestServiceTier'],
  ['gen_ai.openai.request.service_tier', 'requestServiceTier'],
  ['openai.response.service_tier', 'responseServiceTier'],
  ['gen_ai.openai.response.service_tier', 'responseServiceTier'],
  ['gen_ai.response.id', 'responseId'],
  ['user_agent.original', 'userAgent'],
  ['service.name', 'serviceName'],
  ['spendwall.workload', 'workload'],
  ['spendwall.team', 'team'],
  ['spendwall.lane', 'lane'],
]);

/** Reads `list` into `into` (later lists override: span attributes after resource attributes). */
export function readAttributes(list: unknown, into: GenAiAttributes): void {
  if (!Array.isArray(list)) return;
  for (const attribute of list) {
    if (typeof attribute !== 'object' || attribute === null) continue;
    const key = (attribute as { key?: unknown }).key;
    if (typeof key !== 'string') continue;
    if (key.startsWith('gen_ai.') || key.startsWith('llm.')) into.isGenAi = true;
    const slot = slots.get(key);
    if (slot !== undefined) into[slot] = anyValue((attribute as { value?: unknown }).value);
  }
}
