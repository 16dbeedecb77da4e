import { createAnthropicAdapter } from './anthropic/adapter.js';
import { anthropicDefaultBaseURL } from './anthropic/connection.js';
import { createOpenAIAdapter } from './openai/adapter.js';
import { openAIDefaultBaseURL } from './openai/connection.js';
import type { ProviderAdapterV1, ProviderName, ProviderSettings } from './provider.js';

/**
 * The providers Spendwall can talk to. Adding one is a folder under src/providers/ and one entry
 * here: its factory, the environment variables it reads, and its default endpoint.
 */
const providers: Record<
  ProviderName,
  {
    create: (settings: ProviderSettings) => ProviderAdapterV1;
    keyVariable: string;
    baseURLVariable: string;
    defaultBaseURL: string;
  }
> = {
  openai: {
    create: createOpenAIAdapter,
    keyVariable: 'OPENAI_API_KEY',
    baseURLVariable: 'OPENAI_BASE_URL',
    defaultBaseURL: openAIDefaultBaseURL,
  },
  anthropic: {
    create: createAnthropicAdapter,
    keyVariable: 'ANTHROPIC_API_KEY',
    baseURLVariable: 'ANTHROPIC_BASE_URL',
    defaultBaseURL: anthropicDefaultBaseURL,
  },
};

export const providerNames = Object.keys(providers) as ProviderName[];

export function createProvider(name: ProviderName, settings: ProviderSettings): ProviderAdapterV1 {
  return providers[name].create(settings);
}

/**
 * Settings from the providers' usual environment variables (`OPENAI_API_KEY`, `OPENAI_BASE_URL`,
 * `ANTHROPIC_API_KEY`, `ANTHROPIC_BASE_URL`); undefined without a key, so the caller can say so.
 */
export function settingsFromEnvironment(
  name: ProviderName,
  environment: Record<string, string | undefined> = process.env,
): ProviderSettings | undefined {
  const provider = providers[name];
  const apiKey = environment[provider.keyVariable]?.trim();
  if (!apiKey) return undefined;
  const baseURL = environment[provider.baseURLVariable]?.trim() || provider.defaultBaseURL;
  return { apiKey, baseURL };
}

/** The variable that holds a provider's key, for messages that say which one is missing. */
export function keyVariableOf(name: ProviderName): string {
  return providers[name].keyVariable;
}

export { createAnthropicAdapter } from './anthropic/adapter.js';
export { ProviderError, type RetryPolicy } from './http.js';
export { createOpenAIAdapter } from './openai/adapter.js';
export type * from './provider.js';
