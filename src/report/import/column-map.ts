import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../../core/errors.js';
import { isObject } from './row-tools.js';
import type { ColumnMap } from './types.js';

/**
 * The generic `csv` and `jsonl` formats read a record's fields from columns (or JSON properties)
 * named like the field unless a column map says otherwise: `--map time=ts,model=model_name` or a
 * YAML / JSON file `{ time: ts, model: model_name }`.
 */

export type { ColumnMap };

/** Fields a generic row must carry: without them a record means nothing. */
export const requiredFields = ['time', 'model', 'input_tokens', 'output_tokens'] as const;

export const optionalFields = [
  'provider',
  'lane',
  'requests',
  'duration_ms',
  'endpoint',
  'workload',
  'team',
  'project',
  'api_key',
  'end_user',
  'session',
  'user_agent',
  'tags',
  'stream',
  'latency_ms',
  'first_token_ms',
  'failed',
  'cached_input_tokens',
  'cache_creation_input_tokens',
  'cost_usd',
  'cost_nanousd',
  'service_tier',
  'service',
  'request_id',
] as const;

export type GenericField = (typeof requiredFields)[number] | (typeof optionalFields)[number];

const allFields: readonly string[] = [...requiredFields, ...optionalFields];

/** `time=ts,model=model_name` → `{ time: 'ts', model: 'model_name' }`. */
export function parseColumnMap(spec: string, place = '--map'): ColumnMap {
  const map: Record<string, string> = {};
  for (const pair of spec.split(',')) {
    if (pair.trim() === '') continue;
    const equals = pair.indexOf('=');
    if (equals === -1) throw new ConfigError(`'${pair}' is not FIELD=COLUMN`, { place });
    const field = pair.slice(0, equals).trim();
    const column = pair.slice(equals + 1).trim();
    addPair(map, field, column, place);
  }
  return map;
}

/** A YAML or JSON file mapping fields to columns. */
export function readColumnMapFile(path: string): ColumnMap {
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`cannot read the column map: ${(error as Error).message}`, {
      place: path,
      cause: error,
    });
  }
  if (!isObject(parsed)) throw new ConfigError('expected a mapping of FIELD: COLUMN', { place: path });
  const map: Record<string, string> = {};
  for (const [field, column] of Object.entries(parsed)) {
    if (typeof column !== 'string') {
      throw new ConfigError(`expected a column name, got ${JSON.stringify(column)}`, {
        place: `${path}: ${field}`,
      });
    }
    addPair(map, field, column, path);
  }
  return map;
}

function addPair(map: Record<string, string>, field: string, column: string, place: string): void {
  if (!allFields.includes(field)) {
    throw new ConfigError(`'${field}' is not a field; expected one of ${allFields.join(', ')}`, { place });
  }
  if (column === '') throw new ConfigError(`'${field}=' names no column`, { place });
  map[field] = column;
}

/** The column each field is read from: the map's choice, else the field's own name. */
export function columnOf(map: ColumnMap | undefined, field: GenericField): string {
  return map?.[field] ?? field;
}
