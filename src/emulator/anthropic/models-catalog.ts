/**
 * The Anthropic models the emulator serves; others get 404 `not_found_error`. Every one has a
 * price in `src/prices/catalog/anthropic.ts` (a test holds the two lists together), so models the
 * catalog leaves out on purpose (Haiku 5.5, Sonnet 5.5, Fable 5.2, the Mythos models) are not served.
 */
export interface AnthropicModel {
  id: string;
  displayName: string;
  createdAt: string;
  maxOutputTokens: number;
}

export const anthropicModels: readonly AnthropicModel[] = [
  {
    id: 'claude-opus-5-5',
    displayName: 'Claude Opus 5.5',
    createdAt: '2026-09-23T00:00:00Z',
    maxOutputTokens: 128_000,
  },
  {
    id: 'claude-fable-5-1',
    displayName: 'Claude Fable 5.1',
    createdAt: '2026-09-01T00:00:00Z',
    maxOutputTokens: 128_000,
  },
  {
    id: 'claude-opus-5',
    displayName: 'Claude Opus 5',
    createdAt: '2026-07-24T00:00:00Z',
    maxOutputTokens: 128_000,
  },
  {
    id: 'claude-sonnet-5',
    displayName: 'Claude Sonnet 5',
    createdAt: '2026-06-30T00:00:00Z',
    maxOutputTokens: 128_000,
  },
  {
    id: 'claude-fable-5',
    displayName: 'Claude Fable 5',
    createdAt: '2026-06-09T00:00:00Z',
    maxOutputTokens: 128_000,
  },
  {
    id: 'claude-opus-4-8',
    displayName: 'Claude Opus 4.8',
    createdAt: '2026-05-28T00:00:00Z',
    maxOutputTokens: 128_000,
  },
  {
    id: 'claude-opus-4-7',
    displayName: 'Claude Opus 4.7',
    createdAt: '2026-04-16T00:00:00Z',
    maxOutputTokens: 128_000,
  },
  {
    id: 'claude-sonnet-4-6',
    displayName: 'Claude Sonnet 4.6',
    createdAt: '2026-02-17T00:00:00Z',
    maxOutputTokens: 128_000,
  },
  {
    id: 'claude-opus-4-6',
    displayName: 'Claude Opus 4.6',
    createdAt: '2026-02-05T00:00:00Z',
    maxOutputTokens: 128_000,
  },
  {
    id: 'claude-opus-4-5-20251101',
    displayName: 'Claude Opus 4.5',
    createdAt: '2025-11-01T00:00:00Z',
    maxOutputTokens: 64_000,
  },
  {
    id: 'claude-opus-4-1-20250805',
    displayName: 'Claude Opus 4.1',
    createdAt: '2025-08-05T00:00:00Z',
    maxOutputTokens: 32_000,
  },
  {
    id: 'claude-sonnet-4-5-20250929',
    displayName: 'Claude Sonnet 4.5',
    createdAt: '2025-09-29T00:00:00Z',
    maxOutputTokens: 64_000,
  },
  {
    id: 'claude-sonnet-4-20250514',
    displayName: 'Claude Sonnet 4',
    createdAt: '2025-05-14T00:00:00Z',
    maxOutputTokens: 64_000,
  },
  {
    id: 'claude-haiku-4-5-20251001',
    displayName: 'Claude Haiku 4.5',
    createdAt: '2025-10-01T00:00:00Z',
    maxOutputTokens: 64_000,
  },
  {
    id: 'claude-3-5-haiku-20241022',
    displayName: 'Claude Haiku 3.5',
    createdAt: '2024-10-22T00:00:00Z',
    maxOutputTokens: 8_192,
  },
];

/** Aliases without a date (`claude-sonnet-4-5`) resolve to the newest snapshot, as Anthropic's do. */
const aliases = new Map<string, AnthropicModel>();
for (const model of anthropicModels) {
  aliases.set(model.id, model);
  const alias = model.id.replace(/-\d{8}$/, '');
  if (!aliases.has(alias)) aliases.set(alias, model);
}

export function findAnthropicModel(id: string): AnthropicModel | undefined {
  return aliases.get(id);
}
