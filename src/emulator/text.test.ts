import { describe, expect, it } from 'vitest';
import { countTextTokens } from '../core/tokens.js';
import { embeddingVector, generateReply, streamPieces } from './text.js';

describe('generateReply', () => {
  it('counts tokens exactly as the tokenizer does on the whole text', () => {
    for (let index = 0; index < 300; index++) {
      const reply = generateReply({ prompt: `case ${index}` }, 42);
      expect(reply.tokens).toBe(countTextTokens(reply.text));
    }
  });

  it('cuts to max tokens, still counting exactly, and says it did', () => {
    for (let index = 0; index < 200; index++) {
      const limit = 1 + (index % 20);
      const reply = generateReply({ prompt: `limited ${index}` }, 7, limit);
      expect(reply.tokens).toBeLessThanOrEqual(limit);
      expect(reply.tokens).toBe(countTextTokens(reply.text));
      const full = generateReply({ prompt: `limited ${index}` }, 7);
      expect(reply.truncated).toBe(full.tokens > limit);
      expect(full.text.startsWith(reply.text)).toBe(true);
    }
  });

  it('is deterministic in the input and the seed', () => {
    expect(generateReply(['a'], 1)).toEqual(generateReply(['a'], 1));
    expect(generateReply(['a'], 1).text).not.toBe(generateReply(['a'], 2).text);
    expect(generateReply(['a'], 1).text).not.toBe(generateReply(['b'], 1).text);
  });
});

describe('streamPieces and embeddingVector', () => {
  it('splits without losing a character', () => {
    const text = generateReply('x', 3).text;
    expect(streamPieces(text).join('')).toBe(text);
  });

  it('gives unit vectors, equal for equal texts', () => {
    const vector = embeddingVector('hello', 1, 64);
    const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
    expect(norm).toBeCloseTo(1, 5);
    expect(embeddingVector('hello', 1, 64)).toEqual(vector);
  });
});
