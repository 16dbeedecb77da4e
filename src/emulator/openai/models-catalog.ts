/**
 * The OpenAI models the emulator serves. A model not listed here is answered the way OpenAI
 * answers an unknown model (404 `model_not_found`).
 */
export interface OpenAIModel {
  id: string;
  kind: 'chat' | 'embedding';
  /** Whether `service_tier: "flex"` is offered for this model. */
  flex: boolean;
  /** Embedding models: the default vector length, and whether `dimensions` may shorten it. */
  dimensions?: number;
  shortenable?: boolean;
  created: number;
}

export const openAIModels: readonly OpenAIModel[] = [
  { id: 'gpt-4o', kind: 'chat', flex: false, created: 1715367049 },
  { id: 'gpt-4o-mini', kind: 'chat', flex: false, created: 1721172741 },
  { id: 'gpt-4.1', kind: 'chat', flex: false, created: 1744316542 },
  { id: 'gpt-4.1-mini', kind: 'chat', flex: false, created: 1744318173 },
  { id: 'gpt-4.1-nano', kind: 'chat', flex: false, created: 1744321707 },
  { id: 'o3', kind: 'chat', flex: true, created: 1744225308 },
  { id: 'o4-mini', kind: 'chat', flex: true, created: 1744225351 },
  { id: 'gpt-5', kind: 'chat', flex: true, created: 1754425777 },
  { id: 'gpt-5-mini', kind: 'chat', flex: true, created: 1754425928 },
  { id: 'gpt-5-nano', kind: 'chat', flex: true, created: 1754426384 },
  {
    id: 'text-embedding-3-small',
    kind: 'embedding',
    flex: false,
    dimensions: 1536,
    shortenable: true,
    created: 1705948997,
  },
  {
    id: 'text-embedding-3-large',
    kind: 'embedding',
    flex: false,
    dimensions: 3072,
    shortenable: true,
    created: 1705953180,
  },
  {
    id: 'text-embedding-ada-002',
    kind: 'embedding',
    flex: false,
    dimensions: 1536,
    shortenable: false,
    created: 1671217299,
  },
];

const byId = new Map(openAIModels.map((model) => [model.id, model]));

/** A model by id; dated snapshots (`gpt-4o-2024-08-06`) resolve to their family. */
export function findOpenAIModel(id: string): OpenAIModel | undefined {
  return byId.get(id) ?? byId.get(id.replace(/-\d{4}-\d{2}-\d{2}$/, ''));
}
