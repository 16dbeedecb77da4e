import type { Usage } from '../prices/types.js';
import { usageFromAnthropicMessage, usageFromOpenAIBody } from '../prices/usage.js';

/**
 * Finds the usage in a streamed answer while the bytes pass through, without holding the stream:
 * only the unfinished last line of each chunk is kept, and only lines that carry a non-null
 * `"usage"` are parsed. OpenAI chat sends it in the last chunk (with `include_usage`), the
 * Responses API in `response.completed`, Anthropic in `message_start` (input) and `message_delta`
 * (output, cumulative).
 */
export type StreamKind = 'openai-chat' | 'openai-responses' | 'anthropic';

export interface UsageScanner {
  push(chunk: Buffer): void;
  /** The usage seen so far (the final figure once the stream has ended). */
  usage(): Usage | undefined;
}

const marker = Buffer.from('"usage"');
const newline = 0x0a;
/** A line longer than this cannot be held; its usage is lost rather than memory. */
const maxPendingBytes = 16 * 1024 * 1024;

export function createUsageScanner(kind: StreamKind): UsageScanner {
  let pending: Buffer | undefined;
  let found: Usage | undefined;
  let anthropicUsage: Record<string, unknown> | undefined;

  const inspect = (line: string) => {
    const start = line.indexOf('{');
    if (start < 0) return;
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(line.slice(start)) as Record<string, unknown>;
    } catch {
      return;
    }
    if (kind === 'openai-chat') {
      found = usageFromOpenAIBody(event) ?? found;
    } else if (kind === 'openai-responses') {
      found = usageFromOpenAIBody(event['response']) ?? found;
    } else {
      const type = event['type'];
      const usage =
        type === 'message_start'
          ? (event['message'] as { usage?: unknown } | undefined)?.usage
          : type === 'message_delta'
            ? event['usage']
            : undefined;
      if (typeof usage !== 'object' || usage === null) return;
      const merged: Record<string, unknown> = { ...anthropicUsage };
      for (const [key, value] of Object.entries(usage))
        if (value !== null && value !== undefined) merged[key] = value;
      anthropicUsage = merged;
      found = usageFromAnthropicMessage({ usage: merged }) ?? found;
    }
  };

  const scan = (region: Buffer) => {
    let from = 0;
    for (;;) {
      const hit = region.indexOf(marker, from);
      if (hit < 0) return;
      const lineEnd = region.indexOf(newline, hit);
      const end = lineEnd < 0 ? region.length : lineEnd;
      if (!isNullAfter(region, hit + marker.length)) {
        const lineStart = region.lastIndexOf(newline, hit) + 1;
        inspect(region.toString('utf8', lineStart, end));
      }
      from = end;
    }
  };

  return {
    push(chunk) {
      const last = chunk.lastIndexOf(newline);
      if (last < 0) {
        pending = pending ? Buffer.concat([pending, chunk]) : chunk;
        if (pending.length > maxPendingBytes) pending = undefined;
        return;
      }
      const complete = pending
        ? Buffer.concat([pending, chunk.subarray(0, last + 1)])
        : chunk.subarray(0, last + 1);
      scan(complete);
      pending = last + 1 < chunk.length ? Buffer.from(chunk.subarray(last + 1)) : undefined;
    },
    usage() {
      if (pending) {
        scan(pending);
        pending = undefined;
      }
      return found;
    },
  };
}

/** Whether `"usage"` at this point is followed by `: null` (every OpenAI chunk but the last). */
function isNullAfter(buffer: Buffer, index: number): boolean {
  let position = index;
  while (position < buffer.length && (buffer[position] === 0x20 || buffer[position] === 0x3a)) position++;
  return buffer[position] === 0x6e; // 'n'
}
