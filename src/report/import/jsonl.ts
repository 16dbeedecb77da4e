import type { UsageRecord } from '../usage-record.js';
import { problemMessage, RowProblem } from './field-checks.js';
import { genericRecord } from './generic-row.js';
import { readJsonItems } from './json-items.js';
import { isObject, type RowValues } from './row-tools.js';
import type { ImportOptions, ImportSource } from './types.js';

/**
 * A generic JSON Lines file, one object per line, fields read by the column map like the generic
 * CSV. A mapped name with dots (`usage.prompt_tokens`) reaches into nested objects when the
 * object has no property of that exact name.
 */
export async function* readGenericJsonl(
  source: ImportSource,
  options: ImportOptions,
): AsyncGenerator<UsageRecord> {
  for await (const item of readJsonItems(source.path, options)) {
    const position = [item.base, item.prefix].filter(Boolean).join(', ') || '$';
    try {
      if (!isObject(item.value)) throw new RowProblem('expected a JSON object');
      yield genericRecord(nestedReader(item.value), options.columnMap, source, position);
    } catch (error) {
      options.onIssue({ path: source.path, position, message: problemMessage(error) });
    }
  }
}

function nestedReader(object: Record<string, unknown>): RowValues {
  return (name) => {
    if (name in object || !name.includes('.')) return object[name];
    let value: unknown = object;
    for (const part of name.split('.')) {
      if (!isObject(value)) return undefined;
      value = value[part];
    }
    return value;
  };
}
