import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

/** The models of the crash job: one OpenAI chat model, one embeddings model, one Anthropic model. */
export const crashModels = {
  chat: 'gpt-4o-mini',
  embeddings: 'text-embedding-3-small',
  anthropic: 'claude-haiku-4-5-20251001',
} as const;

export type CrashLineKind = keyof typeof crashModels;

/** Which kind line `line` (1-based) is: one in ten Anthropic, one in ten embeddings, the rest chat. */
export function crashLineKind(line: number): CrashLineKind {
  const slot = line % 10;
  if (slot === 3) return 'anthropic';
  if (slot === 7) return 'embeddings';
  return 'chat';
}

export function crashCustomId(line: number): string {
  return `req-${String(line).padStart(6, '0')}`;
}

const topics = ['billing', 'account', 'shipping', 'product', 'refund', 'login', 'invoice', 'delivery'];

/** The JSONL text of one line: an OpenAI batch line or an Anthropic batch line. */
export function crashLine(line: number): string {
  const customId = crashCustomId(line);
  const topic = topics[line % topics.length]!;
  const text = `Ticket #${line}: customer asks about ${topic}, order ${(line * 7919) % 100_000}.`;
  switch (crashLineKind(line)) {
    case 'anthropic':
      return JSON.stringify({
        custom_id: customId,
        params: {
          model: crashModels.anthropic,
          max_tokens: 32,
          messages: [{ role: 'user', content: `Classify in one word. ${text}` }],
        },
      });
    case 'embeddings':
      return JSON.stringify({
        custom_id: customId,
        method: 'POST',
        url: '/v1/embeddings',
        body: { model: crashModels.embeddings, input: text },
      });
    case 'chat':
      return JSON.stringify({
        custom_id: customId,
        method: 'POST',
        url: '/v1/chat/completions',
        body: {
          model: crashModels.chat,
          max_tokens: 16,
          messages: [
            { role: 'system', content: 'Classify the ticket. Answer with one word.' },
            { role: 'user', content: text },
          ],
        },
      });
  }
}

/** Writes `count` lines to `path`, streaming, and returns how many of each kind it wrote. */
export async function writeCrashInput(path: string, count: number): Promise<Record<CrashLineKind, number>> {
  const counts: Record<CrashLineKind, number> = { chat: 0, embeddings: 0, anthropic: 0 };
  const stream = createWriteStream(path);
  for (let line = 1; line <= count; line++) {
    counts[crashLineKind(line)]++;
    if (!stream.write(`${crashLine(line)}\n`)) await once(stream, 'drain');
  }
  stream.end();
  await once(stream, 'finish');
  return counts;
}
