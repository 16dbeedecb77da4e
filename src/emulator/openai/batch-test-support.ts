import OpenAI, { toFile } from 'openai';
import type { Batch } from 'openai/resources/batches';
import { createEmulator, type Emulator, type EmulatorOptions } from '../index.js';

/**
 * Shared by the Files and Batch API tests: an emulator served over loopback with the official SDK
 * as its client, and builders for batch input files.
 */

export interface ServedEmulator {
  emulator: Emulator;
  client: OpenAI;
  url: string;
}

export async function serveEmulator(options: EmulatorOptions = {}): Promise<ServedEmulator> {
  const emulator = createEmulator(options);
  const url = await emulator.listen(0);
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'sk-test', maxRetries: 0 });
  return { emulator, client, url };
}

export interface ChatLineOptions {
  model?: string;
  url?: string;
  customId?: string;
}

/** A chat completion request line for a batch input file. */
export function chatLine(index: number, options: ChatLineOptions = {}): string {
  return JSON.stringify({
    custom_id: options.customId ?? `request-${index}`,
    method: 'POST',
    url: options.url ?? '/v1/chat/completions',
    body: {
      model: options.model ?? 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Classify the ticket as billing, shipping or other.' },
        { role: 'user', content: `Ticket ${index}: my order ${index * 7} has not arrived yet.` },
      ],
      max_tokens: 40,
    },
  });
}

export function chatLines(count: number, options: Omit<ChatLineOptions, 'customId'> = {}): string[] {
  return Array.from({ length: count }, (_, index) => chatLine(index, options));
}

/** Uploads JSONL lines as a `purpose: batch` file and starts a chat completions batch on it. */
export async function startBatch(
  client: OpenAI,
  lines: string[],
  extra: { metadata?: Record<string, string>; endpoint?: '/v1/chat/completions' | '/v1/embeddings' } = {},
): Promise<Batch> {
  const file = await client.files.create({
    file: await toFile(Buffer.from(lines.join('\n') + '\n'), 'input.jsonl'),
    purpose: 'batch',
  });
  return client.batches.create({
    input_file_id: file.id,
    endpoint: extra.endpoint ?? '/v1/chat/completions',
    completion_window: '24h',
    ...(extra.metadata ? { metadata: extra.metadata } : {}),
  });
}

const terminal = new Set(['completed', 'failed', 'expired', 'cancelled']);

/** Polls until the batch reaches a final status (an instant clock gets there on the first poll). */
export async function waitForBatch(client: OpenAI, id: string, attempts = 200): Promise<Batch> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const batch = await client.batches.retrieve(id);
    if (terminal.has(batch.status)) return batch;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`batch ${id} did not finish`);
}

/** The JSON lines of a file, downloaded with the SDK. */
export async function downloadLines(client: OpenAI, fileId: string): Promise<Array<Record<string, unknown>>> {
  const text = await (await client.files.content(fileId)).text();
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
