import type { z } from 'zod';
import type { RejectCode } from './types.js';

/**
 * Turns the first zod issue of a line into a reject code and a reason a person can act on:
 * the field path as they wrote it (`body.messages[2]`), what was expected (the schema's error
 * text) and what the line held instead (`got 42`, `missing`).
 */

export interface IssueDescription {
  code: RejectCode;
  reason: string;
}

/**
 * `input` is the value the schema checked; `prefix` is where that value sits in the line, so a
 * body checked on its own still reports `body.model`.
 */
export function describeFirstIssue(
  error: z.ZodError,
  input: unknown,
  prefix: readonly PropertyKey[] = [],
): IssueDescription {
  const issue = error.issues[0]!;
  const path = [...prefix, ...issue.path];
  const field = formatPath(path);
  const value = valueAt(input, issue.path);
  const more =
    error.issues.length > 1
      ? ` (and ${error.issues.length - 1} more problem${error.issues.length > 2 ? 's' : ''})`
      : '';
  if (value === undefined) {
    return { code: 'missing_field', reason: `${field}: missing, ${issue.message}${more}` };
  }
  return {
    code: codeFor(issue, path, value),
    reason: `${field}: ${issue.message}, got ${describeValue(value)}${more}`,
  };
}

function codeFor(issue: z.core.$ZodIssue, path: readonly PropertyKey[], value: unknown): RejectCode {
  if (path.length === 1 && path[0] === 'custom_id') return 'invalid_custom_id';
  if (path.length === 1 && path[0] === 'url' && typeof value === 'string') return 'unsupported_endpoint';
  // A number where an integer was expected has the right type and the wrong value.
  if (issue.code === 'invalid_type' && !(issue.expected === 'int' && typeof value === 'number')) {
    return 'wrong_type';
  }
  if (issue.code === 'invalid_union') return 'wrong_type';
  // An enum or literal given a value of another type (`"url": 7`) is a type error, not a typo.
  if (issue.code === 'invalid_value' && !issue.values.some((allowed) => typeof allowed === typeof value)) {
    return 'wrong_type';
  }
  return 'invalid_value';
}

/** `body.messages[2].content`, or `line` for the line itself. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text === '' ? 'line' : text;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

const maxQuotedLength = 40;

/** Short enough for a rejects file, exact enough to spot the mistake. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : 'an array';
  switch (typeof value) {
    case 'string':
      if (value === '') return 'an empty string';
      if (value.length > maxQuotedLength) return `a string of ${value.length} characters`;
      return JSON.stringify(value);
    case 'number':
    case 'boolean':
      return String(value);
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}
