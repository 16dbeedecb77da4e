import type { Hono } from 'hono';
import { anthropicModels, findAnthropicModel } from './anthropic/models-catalog.js';
import type { EmulatorContext, EmulatorEnv, ProviderFamily } from './context.js';
import type { FaultInjector } from './faults.js';
import { anthropicError, openAIError } from './http-errors.js';
import { findOpenAIModel, openAIModels } from './openai/models-catalog.js';
import { defineRoute, isAnthropicClient } from './routes.js';

/**
 * `GET /v1/models` exists at both providers with different shapes; the client's headers
 * (`anthropic-version`, `x-api-key`) say which one it expects.
 */
export function registerModelRoutes(
  app: Hono<EmulatorEnv>,
  context: EmulatorContext,
  faults: FaultInjector,
): void {
  const family = (c: { req: { raw: Request } }): ProviderFamily =>
    isAnthropicClient(c.req.raw.headers) ? 'anthropic' : 'openai';

  defineRoute(app, context, faults, { family, method: 'GET', path: '/v1/models' }, (c) => {
    if (c.get('family') === 'anthropic') {
      const data = anthropicModels.map(anthropicModelObject);
      return c.json({
        data,
        has_more: false,
        first_id: data[0]?.id ?? null,
        last_id: data.at(-1)?.id ?? null,
      });
    }
    return c.json({ object: 'list', data: openAIModels.map(openAIModelObject) });
  });

  defineRoute(app, context, faults, { family, method: 'GET', path: '/v1/models/:model' }, (c) => {
    const id = c.req.param('model') ?? '';
    if (c.get('family') === 'anthropic') {
      const model = findAnthropicModel(id);
      return model
        ? c.json(anthropicModelObject(model))
        : anthropicError(c, 404, 'not_found_error', `model: ${id}`);
    }
    const model = findOpenAIModel(id);
    if (!model) {
      return openAIError(c, 404, {
        message: `The model '${id}' does not exist`,
        type: 'invalid_request_error',
        param: 'model',
        code: 'model_not_found',
      });
    }
    return c.json(openAIModelObject(model));
  });
}

function openAIModelObject(model: (typeof openAIModels)[number]) {
  return { id: model.id, object: 'model', created: model.created, owned_by: 'system' };
}

function anthropicModelObject(model: (typeof anthropicModels)[number]) {
  return { type: 'model', id: model.id, display_name: model.displayName, created_at: model.createdAt };
}
