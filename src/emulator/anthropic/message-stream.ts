import type { Context } from 'hono';
import { type SSEStreamingApi, streamSSE } from 'hono/streaming';
import { sleep } from '../routes.js';
import { streamPieces } from '../text.js';
import type { AnthropicMessage } from './create-message.js';

/**
 * The server-sent events of a streamed message, in the order Anthropic sends them:
 * message_start, content_block_start, ping, content_block_delta × n, content_block_stop,
 * message_delta (stop reason and final usage), message_stop. Events are written one by one with
 * `chunkDelayMs` between deltas, so clients see a stream, not one buffered body.
 */
export function streamMessage(c: Context, message: AnthropicMessage, chunkDelayMs: number): Response {
  return streamSSE(c, async (stream) => {
    const send = (event: string, data: object) => stream.writeSSE({ event, data: JSON.stringify(data) });

    await send('message_start', { type: 'message_start', message: startSnapshot(message) });
    const block = message.content[0];
    if (!block) {
      await send('ping', { type: 'ping' });
    } else {
      await send('content_block_start', {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'text', text: '', citations: null },
      });
      await send('ping', { type: 'ping' });
      await sendDeltas(stream, block.text, chunkDelayMs);
      await send('content_block_stop', { type: 'content_block_stop', index: 0 });
    }
    await send('message_delta', {
      type: 'message_delta',
      delta: {
        stop_reason: message.stop_reason,
        stop_sequence: message.stop_sequence,
        stop_details: null,
        container: null,
      },
      // Cumulative totals for the whole message, as the API sends them.
      usage: {
        input_tokens: message.usage.input_tokens,
        output_tokens: message.usage.output_tokens,
        cache_creation_input_tokens: message.usage.cache_creation_input_tokens,
        cache_read_input_tokens: message.usage.cache_read_input_tokens,
        server_tool_use: null,
        output_tokens_details: null,
      },
    });
    await send('message_stop', { type: 'message_stop' });
  });
}

async function sendDeltas(stream: SSEStreamingApi, text: string, chunkDelayMs: number): Promise<void> {
  let first = true;
  for (const piece of streamPieces(text)) {
    if (stream.aborted) return;
    if (!first && chunkDelayMs > 0) await sleep(chunkDelayMs);
    first = false;
    await stream.writeSSE({
      event: 'content_block_delta',
      data: JSON.stringify({
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text: piece },
      }),
    });
  }
}

/** The message as `message_start` carries it: no content yet, no stop reason, one output token. */
function startSnapshot(
  message: AnthropicMessage,
): Omit<AnthropicMessage, 'stop_reason'> & { stop_reason: null } {
  return {
    ...message,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: { ...message.usage, output_tokens: Math.min(1, message.usage.output_tokens) },
  };
}
