import type { UsageRecord } from '../../usage-record.js';

type Attribute = { key: string; value: Record<string, unknown> };

/**
 * Usage as OpenTelemetry traces in OTLP JSON, one export request per line (what the collector's
 * file exporter writes), `spansPerLine` spans each, grouped by resource (service and team). Span
 * attributes follow the GenAI semantic conventions; Spendwall's labels ride as `spendwall.*`.
 * OTLP has no project or tags: a project becomes the service name, a `workload:` tag the workload.
 */
export function* otlpJsonLines(records: Iterable<UsageRecord>, spansPerLine = 200): Generator<string> {
  let batch: UsageRecord[] = [];
  let sequence = 0;
  for (const record of records) {
    batch.push(record);
    if (batch.length >= spansPerLine) {
      yield exportRequest(batch, sequence);
      sequence += batch.length;
      batch = [];
    }
  }
  if (batch.length > 0) yield exportRequest(batch, sequence);
}

function exportRequest(records: readonly UsageRecord[], sequence: number): string {
  const resources = new Map<string, { attributes: Attribute[]; spans: unknown[] }>();
  records.forEach((record, index) => {
    const service = record.service ?? record.project;
    const key = `${service ?? ''}\u0001${record.team ?? ''}`;
    let resource = resources.get(key);
    if (!resource) {
      const attributes: Attribute[] = [];
      if (service) attributes.push(text('service.name', service));
      if (record.team) attributes.push(text('spendwall.team', record.team));
      resource = { attributes, spans: [] };
      resources.set(key, resource);
    }
    resource.spans.push(span(record, sequence + index));
  });
  return JSON.stringify({
    resourceSpans: [...resources.values()].map((resource) => ({
      resource: { attributes: resource.attributes },
      scopeSpans: [{ scope: { name: 'spendwall.demo' }, spans: resource.spans }],
    })),
  });
}

function span(record: UsageRecord, index: number): unknown {
  const embeddings = record.endpoint === '/v1/embeddings';
  const operation = embeddings ? 'embeddings' : 'chat';
  const workload = record.workload ?? record.tags?.find((tag) => tag.startsWith('workload:'))?.slice(9);
  const attributes: Attribute[] = [
    text('gen_ai.operation.name', operation),
    text('gen_ai.provider.name', record.provider),
    text('gen_ai.request.model', record.model),
    integer('gen_ai.usage.input_tokens', record.inputTokens),
    integer('gen_ai.usage.output_tokens', record.outputTokens),
  ];
  if (record.cachedInputTokens)
    attributes.push(integer('gen_ai.usage.cache_read.input_tokens', record.cachedInputTokens));
  if (record.stream !== undefined)
    attributes.push({ key: 'gen_ai.request.stream', value: { boolValue: record.stream } });
  if (record.session) attributes.push(text('gen_ai.conversation.id', record.session));
  if (record.endUser) attributes.push(text('enduser.id', record.endUser));
  if (record.userAgent) attributes.push(text('user_agent.original', record.userAgent));
  if (workload) attributes.push(text('spendwall.workload', workload));
  if (record.lane !== 'realtime') attributes.push(text('spendwall.lane', record.lane));
  const id = index.toString(16).padStart(16, '0');
  const start = BigInt(record.startedAt) * 1_000_000n;
  const end = start + BigInt(record.latencyMs ?? 0) * 1_000_000n;
  return {
    traceId: id.padStart(32, '0'),
    spanId: id,
    name: `${operation} ${record.model}`,
    kind: 3,
    startTimeUnixNano: String(start),
    ...(record.latencyMs === undefined ? {} : { endTimeUnixNano: String(end) }),
    attributes,
    status: record.failed ? { code: 2, message: 'provider error' } : {},
  };
}

function text(key: string, value: string): Attribute {
  return { key, value: { stringValue: value } };
}

function integer(key: string, value: number): Attribute {
  return { key, value: { intValue: String(value) } };
}
