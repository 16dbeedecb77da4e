import { digest, seededRandom } from '../core/random.js';
import { countTextTokens } from '../core/tokens.js';

/**
 * Deterministic model output: the same input and seed always give the same text, so tests can
 * compare results across runs, retries and lanes.
 */

const vocabulary = (
  'the a of to and in is for on that with as it this by be are from at or an was have not they which ' +
  'result request answer summary ticket customer order billing account refund shipping product review ' +
  'category positive negative neutral label score model batch data record item value report analysis ' +
  'urgent routine priority issue resolved pending update status quality support invoice payment delivery ' +
  'classified sentiment topic intent language english summary evaluation correct incorrect likely clear'
).split(' ');

export interface GeneratedText {
  text: string;
  tokens: number;
  /** True when `maxTokens` cut the text short (finish reason `length` / `max_tokens`). */
  truncated: boolean;
}

/**
 * A reply of 8 to 48 words derived from `input`, cut to `maxTokens` when that is smaller.
 *
 * Tokens are counted per word, exactly: the tokenizer splits text into pieces before encoding
 * (`Word`, ` word`, `.` here) and encodes each piece on its own, so a text's count is the sum of
 * its pieces' counts, and each vocabulary word is counted once.
 */
export function generateReply(input: unknown, seed: number, maxTokens?: number | null): GeneratedText {
  const bytes = digest([seed, input]);
  const random = seededRandom(bytes.readUInt32LE(0));
  const targetWords = 8 + Math.floor(random() * 40);
  const words: string[] = [];
  for (let index = 0; index < targetWords; index++) {
    words.push(vocabulary[Math.floor(random() * vocabulary.length)]!);
  }
  const limit = maxTokens ?? Number.POSITIVE_INFINITY;
  let tokens = 0;
  let kept = 0;
  for (const word of words) {
    const cost = kept === 0 ? pieceTokens(capitalize(word)) : pieceTokens(` ${word}`);
    if (tokens + cost > limit) break;
    tokens += cost;
    kept++;
  }
  const period = pieceTokens('.');
  const truncated = kept < words.length || tokens + period > limit;
  const body = capitalize(words.slice(0, kept).join(' '));
  if (truncated) return { text: body, tokens, truncated };
  return { text: `${body}.`, tokens: tokens + period, truncated };
}

const pieceCounts = new Map<string, number>();

function pieceTokens(piece: string): number {
  let count = pieceCounts.get(piece);
  if (count === undefined) {
    count = countTextTokens(piece);
    pieceCounts.set(piece, count);
  }
  return count;
}

/** Splits text into stream deltas of a word or two, keeping every character. */
export function streamPieces(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * A unit vector of `dimensions` floats derived from the text: equal texts embed equally, and
 * different texts point in different directions.
 */
export function embeddingVector(text: string, seed: number, dimensions: number): Float32Array {
  const random = seededRandom(digest([seed, 'embedding', text]).readUInt32LE(0));
  const vector = new Float32Array(dimensions);
  let norm = 0;
  for (let index = 0; index < dimensions; index++) {
    const value = random() * 2 - 1;
    vector[index] = value;
    norm += value * value;
  }
  norm = Math.sqrt(norm) || 1;
  for (let index = 0; index < dimensions; index++) vector[index] = vector[index]! / norm;
  return vector;
}
