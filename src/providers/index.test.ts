import { describe, expect, it } from 'vitest';
import { createProvider, keyVariableOf, providerNames, settingsFromEnvironment } from './index.js';

describe('settingsFromEnvironment', () => {
  it('reads each provider’s usual variables, with the official default endpoints', () => {
    expect(settingsFromEnvironment('openai', { OPENAI_API_KEY: 'sk-1' })).toEqual({
      apiKey: 'sk-1',
      baseURL: 'https://api.openai.com/v1',
    });
    expect(
      settingsFromEnvironment('anthropic', {
        ANTHROPIC_API_KEY: 'sk-ant',
        ANTHROPIC_BASE_URL: 'http://proxy',
      }),
    ).toEqual({
      apiKey: 'sk-ant',
      baseURL: 'http://proxy',
    });
    expect(
      settingsFromEnvironment('anthropic', { ANTHROPIC_API_KEY: 'sk-ant', ANTHROPIC_BASE_URL: '' })?.baseURL,
    ).toBe('https://api.anthropic.com');
  });

  it('answers undefined without a key, so the caller can say which variable is missing', () => {
    expect(settingsFromEnvironment('openai', {})).toBeUndefined();
    expect(
      settingsFromEnvironment('openai', { OPENAI_API_KEY: '  ', ANTHROPIC_API_KEY: 'x' }),
    ).toBeUndefined();
    expect(keyVariableOf('anthropic')).toBe('ANTHROPIC_API_KEY');
  });
});

describe('createProvider', () => {
  it('builds the adapter named, for every provider', () => {
    for (const name of providerNames) {
      const adapter = createProvider(name, { apiKey: 'k', baseURL: 'http://localhost' });
      expect(adapter).toMatchObject({ specificationVersion: 'v1', name });
    }
  });
});
