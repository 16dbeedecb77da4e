import type { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { formatIssue, type SourceIssue, type YamlSource } from './yaml-source.js';

/**
 * A policy (or `policy test` cases) file that does not say what Spendwall needs. It holds every
 * problem found, each with its line and column, so one `policy check` lists them all.
 */
export class PolicyError extends ConfigError {
  readonly file: string;
  readonly issues: readonly SourceIssue[];

  constructor(file: string, unordered: readonly SourceIssue[]) {
    // In file order, as an editor would walk them (zod reports them in schema order).
    const issues = [...unordered].sort(
      (left, right) =>
        left.position.line - right.position.line || left.position.column - right.position.column,
    );
    const lines = issues.map((issue) => formatIssue(file, issue));
    super(lines.length === 1 ? lines[0]! : `${lines.length} problems:\n  ${lines.join('\n  ')}`);
    this.name = 'PolicyError';
    this.file = file;
    this.issues = issues;
  }

  /** One line per problem, `file:line:column: field: message`, as `policy check` prints them. */
  lines(): string[] {
    return this.issues.map((issue) => formatIssue(this.file, issue));
  }
}

/** A field's path as a user would look for it: `workloads.eval-*.deadline`, `cases[2].expect`. */
export function fieldName(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else {
      const key = String(segment);
      // Model ids such as gpt-4.1 would read as two levels without quotes.
      const part = /^[^.\s"[\]]+$/.test(key) ? key : JSON.stringify(key);
      text += text === '' ? part : /^"/.test(part) ? `[${part}]` : `.${part}`;
    }
  }
  return text;
}

/** Turns zod's issues into ones that name the line, the column and the field. */
export function describeZodIssues(
  issues: readonly z.core.$ZodIssue[],
  source: YamlSource,
  schema: z.ZodType,
): SourceIssue[] {
  return issues.flatMap((issue): SourceIssue[] => {
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(schema, issue.path);
      return issue.keys.map((key) => {
        const path = [...issue.path, key];
        const suggestion = closest(key, known);
        return {
          position: source.locate(path, { key: true }),
          field: fieldName(path),
          message:
            `unknown field` +
            (suggestion ? ` (did you mean ${suggestion}?)` : '') +
            (known.length ? `; expected one of ${known.join(', ')}` : ''),
        };
      });
    }
    if (issue.code === 'invalid_key') {
      return [
        {
          position: source.locate(issue.path, { key: true }),
          field: fieldName(issue.path),
          message: issue.issues[0]?.message ?? issue.message,
        },
      ];
    }
    const value = valueAt(source.value, issue.path);
    let message = issue.message;
    if (issue.code !== 'custom' && value === undefined) message = 'is required';
    else if (issue.code === 'invalid_type' && issue.expected === 'object' && /^Invalid input/.test(message)) {
      // zod's own words for `eval-*:` with nothing under it, or a list where fields were due.
      const known = knownKeysAt(schema, issue.path);
      if (known.length > 0) {
        message = `${value === null ? 'is empty' : 'is not a mapping'}; expected fields ${known.join(', ')}`;
      }
    }
    return [{ position: source.locate(issue.path), field: fieldName(issue.path), message }];
  });
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

interface SchemaDefinition {
  type: string;
  shape?: Record<string, z.ZodType>;
  valueType?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  keyType?: { options?: readonly unknown[] };
}

/** The field names the schema accepts at `path`, for "unknown field; expected one of …". */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.ZodType | undefined = schema;
  const remaining = [...path];
  while (current) {
    const definition = current._zod.def as unknown as SchemaDefinition;
    if (definition.innerType) current = definition.innerType;
    else if (definition.type === 'pipe') current = definition.in;
    else if (remaining.length === 0) {
      if (definition.shape) return Object.keys(definition.shape);
      // A record keyed by an enum (`providers:`) knows its keys too.
      return (definition.keyType?.options ?? []).map(String);
    } else {
      const segment = remaining.shift()!;
      if (definition.shape) current = definition.shape[String(segment)];
      else if (definition.valueType) current = definition.valueType;
      else if (definition.element) current = definition.element;
      else return [];
    }
  }
  return [];
}

/** The known name a typo most likely meant: at most two edits away. */
function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = editDistance(word.toLowerCase(), name.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

function editDistance(left: string, right: string): number {
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let row = 1; row <= left.length; row++) {
    const current = [row];
    for (let column = 1; column <= right.length; column++) {
      const substitution = previous[column - 1]! + (left[row - 1] === right[column - 1] ? 0 : 1);
      current.push(Math.min(previous[column]! + 1, current[column - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[right.length]!;
}
