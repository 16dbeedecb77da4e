import { createHash } from 'node:crypto';
import type { ProviderName } from '../../prices/types.js';

/**
 * Small pieces every importer shares: reading one value of a row whatever its file's shape,
 * telling the provider from a model id, and keeping key material out of records.
 */

/** One row's values by column or property name. */
export type RowValues = (name: string) => unknown;

/** Reads a CSV row by header name; the header's positions are looked up once per file. */
export function csvRowReader(header: readonly string[]): (fields: readonly string[]) => RowValues {
  const indexes = new Map<string, number>();
  header.forEach((name, index) => {
    const trimmed = name.trim();
    if (!indexes.has(trimmed)) indexes.set(trimmed, index);
  });
  return (fields) => (name) => {
    const index = indexes.get(name);
    return index === undefined ? undefined : fields[index];
  };
}

export function objectRowReader(object: Record<string, unknown>): RowValues {
  return (name) => object[name];
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const providerAliases: Record<string, ProviderName> = {
  openai: 'openai',
  'text-completion-openai': 'openai',
  openai_compatible: 'openai',
  anthropic: 'anthropic',
  anthropic_text: 'anthropic',
};

/** A provider name as Spendwall's price catalog spells it, when it is one the catalog knows. */
export function normalizeProvider(name: string): ProviderName {
  const lower = name.toLowerCase();
  return providerAliases[lower] ?? lower;
}

/** The provider a bare model id belongs to, for sources that do not say (or `undefined`). */
export function providerOfModel(model: string): ProviderName | undefined {
  const slash = model.indexOf('/');
  if (slash > 0) return normalizeProvider(model.slice(0, slash));
  if (
    /^(gpt-|o\d|chatgpt-|text-embedding-|davinci|babbage|omni-moderation|text-moderation|computer-use)/.test(
      model,
    )
  ) {
    return 'openai';
  }
  if (model.startsWith('claude')) return 'anthropic';
  return undefined;
}

/** `openai/gpt-4o` → `gpt-4o` when the prefix is the provider already named. */
export function stripProviderPrefix(model: string, provider: string): string {
  return model.startsWith(`${provider}/`) ? model.slice(provider.length + 1) : model;
}

/**
 * An API key's id or hash as the source gave it; a value that looks like a key itself
 * (`sk-…`, `sk-ant-…`) is replaced by a short hash so that no secret reaches a record.
 */
export function safeKeyId(value: string | undefined): string | undefined {
  if (value === undefined || !/^sk-/.test(value)) return value;
  return `sha256:${createHash('sha256').update(value).digest('hex').slice(0, 16)}`;
}
