import { ConfigError } from '../core/errors.js';
import type { ProviderName } from '../providers/provider.js';
import type { Policy } from './types.js';

/**
 * A provider's connection as the policy describes it, with the key read from the environment
 * variable the policy names. `undefined` when the policy says nothing about the provider (the
 * caller falls back to the provider's usual variables). The key itself never appears in an error.
 */
export function providerConnectionFrom(
  policy: Policy,
  provider: ProviderName,
  environment: Record<string, string | undefined> = process.env,
): { baseURL?: string; apiKey?: string } | undefined {
  const connection = policy.providers[provider];
  if (!connection) return undefined;
  let apiKey: string | undefined;
  if (connection.apiKey) {
    apiKey = environment[connection.apiKey.env]?.trim() || undefined;
    if (apiKey === undefined) {
      throw new ConfigError(`the environment variable ${connection.apiKey.env} is not set`, {
        place: `${policy.source} providers.${provider}.apiKey`,
      });
    }
  }
  return {
    ...(connection.baseURL === undefined ? {} : { baseURL: connection.baseURL }),
    ...(apiKey === undefined ? {} : { apiKey }),
  };
}
