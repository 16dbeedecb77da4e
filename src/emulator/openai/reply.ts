import { contentText, countTextTokens } from '../../core/tokens.js';
import { generateReply } from '../text.js';

/** A conversation turn reduced to what decides the reply: who spoke and the text they sent. */
export interface PromptMessage {
  role: string;
  content: string;
}

export interface Answer {
  text: string;
  tokens: number;
  /** `length` when the output budget cut the text, else `stop`. */
  finish: 'stop' | 'length';
}

export interface AnswerOptions {
  maxTokens?: number | null | undefined;
  stop?: string | readonly string[] | null | undefined;
  /** Which of `n` choices; choices after the first differ from it, as sampled choices do. */
  choice?: number;
  /** The request's own `seed`: a different seed gives a different (but repeatable) answer. */
  requestSeed?: number | null | undefined;
}

/** Reduces chat messages or Responses items to their roles and text, so both APIs answer alike. */
export function promptMessages(
  messages: ReadonlyArray<{ role: string; content?: unknown }>,
): PromptMessage[] {
  return messages.map((message) => ({ role: message.role, content: contentText(message.content) }));
}

/**
 * The deterministic answer to a conversation. It depends only on the messages (not the model or
 * the endpoint), so the same work gives the same text in every lane: real-time, flex or batch.
 */
export function answer(messages: PromptMessage[], emulatorSeed: number, options: AnswerOptions = {}): Answer {
  const choice = options.choice ?? 0;
  const input =
    choice === 0 && options.requestSeed == null
      ? messages
      : { messages, choice, seed: options.requestSeed ?? null };
  const generated = generateReply(input, emulatorSeed, options.maxTokens);
  const stopAt = firstStop(generated.text, options.stop);
  if (stopAt !== undefined) {
    const text = generated.text.slice(0, stopAt);
    return { text, tokens: countTextTokens(text), finish: 'stop' };
  }
  return { text: generated.text, tokens: generated.tokens, finish: generated.truncated ? 'length' : 'stop' };
}

/** Where the first stop sequence starts; the model stops before writing it. */
function firstStop(text: string, stop: AnswerOptions['stop']): number | undefined {
  if (stop == null) return undefined;
  let earliest: number | undefined;
  for (const sequence of typeof stop === 'string' ? [stop] : stop) {
    if (sequence.length === 0) continue;
    const index = text.indexOf(sequence);
    if (index >= 0 && (earliest === undefined || index < earliest)) earliest = index;
  }
  return earliest;
}
