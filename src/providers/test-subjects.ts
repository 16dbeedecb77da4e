import { createEmulator, type Emulator, type EmulatorOptions } from '../emulator/index.js';
import type { RetryPolicy } from './http.js';
import { createProvider } from './index.js';
import type {
  ProviderAdapterV1,
  ProviderBatch,
  ProviderName,
  ProviderRequest,
  ProviderSettings,
} from './provider.js';

/**
 * The adapters the shared conformance suite (conformance.test.ts) runs against, each described by
 * what differs between providers: base URL shape, request bodies, route names, error codes, and
 * the cases it cannot run, each with its reason.
 */

export type SkippableCase = 'tag round-trips' | 'find tells same-sized batches apart' | 'flex service tier';

export interface AdapterSubject {
  name: ProviderName;
  /** The API base URL under an emulator origin: OpenAI's includes `/v1`, Anthropic's does not. */
  baseURL(origin: string): string;
  endpoint: string;
  model: string;
  request(customId: string, text?: string): ProviderRequest;
  /** A request the provider refuses with 400, and the error code it gives. */
  invalidRequest(customId: string): ProviderRequest;
  invalidRequestCode: string;
  /** The emulator's fault key of the create call. */
  createRoute: string;
  /** The error codes of lines failed by `faults.batches.lineRetryable` / `lineInvalid`. */
  faultCodes: { retryable: string; invalid: string };
  skip: Partial<Record<SkippableCase, string>>;
}

export const subjects: AdapterSubject[] = [
  {
    name: 'openai',
    baseURL: (origin) => `${origin}/v1`,
    endpoint: '/v1/chat/completions',
    model: 'gpt-5-mini',
    request: (customId, text = `Summarize ticket ${customId}`) => ({
      customId,
      endpoint: '/v1/chat/completions',
      model: 'gpt-5-mini',
      body: JSON.stringify({ model: 'gpt-5-mini', messages: [{ role: 'user', content: text }] }),
    }),
    invalidRequest: (customId) => ({
      customId,
      endpoint: '/v1/chat/completions',
      model: 'gpt-5-mini',
      body: JSON.stringify({ model: 'gpt-5-mini' }),
    }),
    invalidRequestCode: 'missing_required_parameter',
    createRoute: 'POST /v1/batches',
    faultCodes: { retryable: 'server_error', invalid: 'invalid_request_error' },
    skip: {},
  },
  {
    name: 'anthropic',
    baseURL: (origin) => origin,
    endpoint: '/v1/messages',
    model: 'claude-haiku-4-5-20251001',
    request: (customId, text = `Summarize ticket ${customId}`) => ({
      customId,
      endpoint: '/v1/messages',
      model: 'claude-haiku-4-5-20251001',
      body: JSON.stringify({
        model: 'claude-haiku-4-5-20251001',
        max_tokens: 64,
        messages: [{ role: 'user', content: text }],
      }),
    }),
    invalidRequest: (customId) => ({
      customId,
      endpoint: '/v1/messages',
      model: 'claude-haiku-4-5-20251001',
      body: JSON.stringify({
        model: 'claude-haiku-4-5-20251001',
        messages: [{ role: 'user', content: 'hi' }],
      }),
    }),
    invalidRequestCode: 'invalid_request_error',
    createRoute: 'POST /v1/messages/batches',
    faultCodes: { retryable: 'api_error', invalid: 'invalid_request_error' },
    skip: {
      'tag round-trips': 'Anthropic batches carry no metadata, so ProviderBatch.tag is always null',
      'find tells same-sized batches apart':
        'without metadata, find() can only match on time and request count; a swap of equal-sized batches is caught later by custom_id (anthropic/find.ts)',
      'flex service tier': 'Anthropic has no flex tier; call() refuses one (anthropic/adapter.test.ts)',
    },
  },
];

/** Retries at once, so tests of 429/503 handling take no wall-clock time. */
export const instantRetryPolicy: RetryPolicy = {
  maxRetries: 8,
  initialDelayMs: 0,
  maxDelayMs: 0,
  sleep: () => Promise.resolve(),
};

export interface Emulated {
  emulator: Emulator;
  adapter: ProviderAdapterV1;
  close(): Promise<void>;
}

/**
 * An adapter wired to a fresh emulator: in process through `emulator.fetch` by default, or over
 * a loopback socket with the global fetch when `socket` is set.
 */
export async function emulated(
  subject: AdapterSubject,
  options: EmulatorOptions = { clock: { instant: true } },
  settings: Partial<ProviderSettings> & { socket?: boolean } = {},
): Promise<Emulated> {
  const emulator = createEmulator(options);
  const { socket, ...rest } = settings;
  const origin = socket ? await emulator.listen(0) : 'http://emulator';
  const adapter = createProvider(subject.name, {
    apiKey: 'sk-test-key-for-conformance',
    baseURL: subject.baseURL(origin),
    retryPolicy: instantRetryPolicy,
    ...(socket ? {} : { fetch: emulator.fetch }),
    ...rest,
  });
  return { emulator, adapter, close: () => emulator.close() };
}

export function requests(subject: AdapterSubject, prefix: string, count: number): ProviderRequest[] {
  return Array.from({ length: count }, (_, index) =>
    subject.request(`${prefix}-${String(index).padStart(5, '0')}`),
  );
}

/** Encoded lines as a re-iterable source (each iteration starts over), as the engine's store gives them. */
export function linesOf(adapter: ProviderAdapterV1, list: ProviderRequest[]): AsyncIterable<string> {
  return {
    async *[Symbol.asyncIterator]() {
      for (const request of list) yield adapter.batch.encode(request);
    },
  };
}

export async function waitUntilEnded(adapter: ProviderAdapterV1, id: string): Promise<ProviderBatch> {
  for (let poll = 0; poll < 1000; poll++) {
    const batch = await adapter.batch.retrieve(id);
    if (batch.phase === 'ended') return batch;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`batch ${id} did not end`);
}

/** Every item of a stream of pages (as `batch.results` gives them), in order. */
export async function collect<Item>(pages: AsyncIterable<readonly Item[]>): Promise<Item[]> {
  const all: Item[] = [];
  for await (const page of pages) all.push(...page);
  return all;
}
