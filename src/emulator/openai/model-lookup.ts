import { digest } from '../../core/random.js';
import { findOpenAIModel, type OpenAIModel } from './models-catalog.js';
import { type Checked, failure, invalidRequest, modelNotFound } from './request-errors.js';

/** The endpoints that generate text or vectors, each serving one kind of model. */
export type GeneratingEndpoint = '/v1/chat/completions' | '/v1/responses' | '/v1/embeddings';

/**
 * Finds the model a request names and checks the endpoint serves that kind of model, with the
 * answers OpenAI gives: 404 for a model that does not exist, and an error naming `model` for a
 * model sent to the wrong endpoint (an embedding model to chat, a chat model to embeddings).
 */
export function lookUpModel(id: string, endpoint: GeneratingEndpoint): Checked<OpenAIModel> {
  const model = findOpenAIModel(id);
  if (!model) return modelNotFound(id);
  const wanted = endpoint === '/v1/embeddings' ? 'embedding' : 'chat';
  if (model.kind === wanted) return { ok: true, value: model };
  if (endpoint === '/v1/chat/completions') {
    return failure(404, {
      message:
        'This is not a chat model and thus not supported in the v1/chat/completions endpoint. ' +
        'Did you mean to use v1/completions?',
      type: 'invalid_request_error',
      param: 'model',
    });
  }
  if (endpoint === '/v1/responses') {
    return invalidRequest(`The requested model '${id}' is not supported with the Responses API.`, 'model');
  }
  return invalidRequest(`The model \`${id}\` does not support embeddings.`, 'model');
}

const fingerprints = new Map<string, string>();

/**
 * `system_fingerprint`: fixed per model and seed, as OpenAI's stays fixed while a backend
 * configuration serves the model. Cached because every completion reports it.
 */
export function systemFingerprint(model: OpenAIModel, seed: number): string {
  const key = `${seed}:${model.id}`;
  let fingerprint = fingerprints.get(key);
  if (!fingerprint) {
    fingerprint = `fp_${digest(['system_fingerprint', seed, model.id]).toString('hex').slice(0, 10)}`;
    fingerprints.set(key, fingerprint);
  }
  return fingerprint;
}
