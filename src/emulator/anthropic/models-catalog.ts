/** The Anthropic models the emulator serves; others get 404 `not_found_error`. */
export interface AnthropicModel {
  id: string;
  displayName: string;
  createdAt: string;
  maxOutputTokens: number;
}

export const anthropicModels: readonly AnthropicModel[] = [
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
