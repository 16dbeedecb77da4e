import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countEmbeddingTokens, countTextTokens } from '../../core/tokens.js';
import { createEmulator, type Emulator } from '../index.js';

const apiKey = 'sk-test';
const text = 'Refund requested for order 1234';

let emulator: Emulator;
let url: string;
let client: OpenAI;

beforeAll(async () => {
  emulator = createEmulator({ seed: 3 });
  url = await emulator.listen(0);
  client = new OpenAI({ baseURL: `${url}/v1`, apiKey, maxRetries: 0 });
});

afterAll(async () => {
  await emulator.close();
});

function norm(vector: number[]): number {
  return Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
}

describe('POST /v1/embeddings', () => {
  it('returns unit vectors of the model length, the same for the same text', async () => {
    const result = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: [text, text, 'Something else entirely'],
      encoding_format: 'float',
    });
    const [first, second, other] = result.data.map((item) => item.embedding);

    expect(result).toMatchObject({ object: 'list', model: 'text-embedding-3-small' });
    expect(result.data.map((item) => [item.object, item.index])).toEqual([
      ['embedding', 0],
      ['embedding', 1],
      ['embedding', 2],
    ]);
    expect(first).toHaveLength(1536);
    expect(norm(first!)).toBeCloseTo(1, 5);
    expect(second).toEqual(first);
    expect(other).not.toEqual(first);
    const tokens = 2 * countEmbeddingTokens(text) + countEmbeddingTokens('Something else entirely');
    expect(result.usage).toEqual({ prompt_tokens: tokens, total_tokens: tokens });
  });

  it("counts usage with the embedding models' tokenizer (cl100k_base), not the chat models'", async () => {
    const german = 'Überprüfung der Rechnung: 1234567 Positionen';
    const result = await client.embeddings.create({ model: 'text-embedding-3-small', input: german });
    expect(result.usage.prompt_tokens).toBe(15);
    expect(countTextTokens(german)).toBe(11);
  });

  it('sends base64 the SDK decodes to the same floats (its default encoding)', async () => {
    const floats = await client.embeddings.create({
      model: 'text-embedding-3-large',
      input: text,
      encoding_format: 'float',
    });
    // Without encoding_format the SDK asks for base64 and decodes it to number[] itself.
    const decoded = await client.embeddings.create({ model: 'text-embedding-3-large', input: text });
    expect(Array.isArray(decoded.data[0]!.embedding)).toBe(true);
    expect(decoded.data[0]!.embedding).toEqual(floats.data[0]!.embedding);

    const raw = await client.embeddings.create({
      model: 'text-embedding-3-large',
      input: text,
      encoding_format: 'base64',
    });
    const bytes = Buffer.from(raw.data[0]!.embedding as unknown as string, 'base64');
    const littleEndian = Array.from({ length: bytes.length / 4 }, (_, index) => bytes.readFloatLE(index * 4));
    expect(littleEndian).toEqual(floats.data[0]!.embedding);
  });

  it('shortens vectors to `dimensions`, keeping them unit length', async () => {
    const full = await client.embeddings.create({ model: 'text-embedding-3-small', input: text });
    const short = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: text,
      dimensions: 256,
    });
    const vector = short.data[0]!.embedding;
    expect(vector).toHaveLength(256);
    expect(norm(vector)).toBeCloseTo(1, 5);
    // Like OpenAI's shortened embeddings: the full vector's first components, renormalized.
    const prefix = full.data[0]!.embedding.slice(0, 256);
    const cosine = prefix.reduce((sum, value, index) => sum + value * vector[index]!, 0) / norm(prefix);
    expect(cosine).toBeCloseTo(1, 5);
  });

  it('embeds token arrays, billing one token per id', async () => {
    const result = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: [
        [1, 2, 3],
        [4, 5],
      ],
    });
    expect(result.data).toHaveLength(2);
    expect(result.usage.prompt_tokens).toBe(5);
  });

  it.each([
    [{ model: 'text-embedding-ada-002', input: text, dimensions: 256 }, 'dimensions'],
    [{ model: 'text-embedding-3-small', input: text, dimensions: 4096 }, 'dimensions'],
    [{ model: 'text-embedding-3-small', input: '' }, 'input'],
    [{ model: 'text-embedding-3-small', input: [] }, 'input'],
    [{ model: 'text-embedding-3-small', input: ['fine', 7] }, 'input[1]'],
    [{ model: 'text-embedding-3-small' }, 'input'],
    [{ model: 'gpt-4o', input: text }, 'model'],
  ])('answers 400 naming the parameter for %j', async (body, param) => {
    const error = await client.embeddings.create(body as never).catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.error).toMatchObject({ type: 'invalid_request_error', param });
  });

  it('answers 404 for an unknown model', async () => {
    const error = await client.embeddings.create({ model: 'text-embedding-9', input: text }).catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error.error.code).toBe('model_not_found');
  });
});
