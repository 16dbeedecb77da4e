import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPolicyFile, loadPolicy } from './load-policy.js';
import { providerConnectionFrom } from './provider-settings.js';

const folder = mkdtempSync(join(tmpdir(), 'spendwall-policy-'));
const file = join(folder, 'team.yaml');
writeFileSync(
  file,
  'version: 1\nproviders:\n  openai: { apiKey: { env: TEAM_OPENAI_KEY }, baseURL: https://proxy.example.com/v1 }\n',
);

describe('findPolicyFile', () => {
  it('takes --config first, then SPENDWALL_CONFIG', () => {
    expect(findPolicyFile(file, { SPENDWALL_CONFIG: '/nowhere.yaml' })).toBe(file);
    expect(findPolicyFile(undefined, { SPENDWALL_CONFIG: file })).toBe(file);
  });

  it('refuses a named file that does not exist, naming where the name came from', () => {
    expect(() => findPolicyFile(join(folder, 'missing.yaml'), {})).toThrow(
      /^--config: the policy file .* does not exist$/,
    );
    expect(() => findPolicyFile(undefined, { SPENDWALL_CONFIG: join(folder, 'x.yaml') })).toThrow(
      /^SPENDWALL_CONFIG: /,
    );
  });
});

describe('loadPolicy', () => {
  it('reads a file and names it as the source', async () => {
    const policy = await loadPolicy(file);
    expect(policy.source).toBe(file);
  });
});

describe('providerConnectionFrom', () => {
  it('reads the key from the variable the policy names', async () => {
    const policy = await loadPolicy(file);
    expect(providerConnectionFrom(policy, 'openai', { TEAM_OPENAI_KEY: 'sk-team' })).toEqual({
      baseURL: 'https://proxy.example.com/v1',
      apiKey: 'sk-team',
    });
    expect(providerConnectionFrom(policy, 'anthropic', {})).toBeUndefined();
    expect(() => providerConnectionFrom(policy, 'openai', {})).toThrow(
      `${file} providers.openai.apiKey: the environment variable TEAM_OPENAI_KEY is not set`,
    );
  });
});
