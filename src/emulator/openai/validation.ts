import type { z } from 'zod';
import { type Checked, invalidRequest, missingParameter } from './request-errors.js';

/**
 * Turns a request body into a typed request, or into the 400 OpenAI would send for it. OpenAI
 * names one problem at a time, with the parameter's path (`messages[0].role`) and a code such as
 * `missing_required_parameter` or `invalid_type`; the first zod issue is translated the same way.
 */

/** How each endpoint reports a parameter it does not know (the two API generations differ). */
export type UnknownParameterStyle = 'chat' | 'responses';

export function validateBody<Schema extends z.ZodType>(
  schema: Schema,
  body: unknown,
  knownParameters: ReadonlySet<string>,
  unknownStyle: UnknownParameterStyle,
): Checked<z.output<Schema>> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return invalidRequest(
      `Invalid type for body: expected an object, but got ${describeValue(body)} instead.`,
      null,
      'invalid_type',
    );
  }
  for (const key of Object.keys(body)) {
    if (knownParameters.has(key)) continue;
    return unknownStyle === 'responses'
      ? invalidRequest(`Unknown parameter: '${key}'.`, key, 'unknown_parameter')
      : invalidRequest(`Unrecognized request argument supplied: ${key}`);
  }
  const result = schema.safeParse(body);
  if (result.success) return { ok: true, value: result.data };
  return issueToError(result.error.issues[0]!, body);
}

function issueToError(issue: z.core.$ZodIssue, body: unknown) {
  const param = formatPath(issue.path);
  const value = valueAt(body, issue.path);
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return missingParameter(param);
      return invalidRequest(
        `Invalid type for '${param}': expected ${describeExpected(issue.expected)}, but got ${describeValue(value)} instead.`,
        param,
        'invalid_type',
      );
    case 'invalid_value':
      return invalidRequest(
        `Invalid value: ${quote(value)}. Supported values are: ${listValues(issue.values)}.`,
        param,
        'invalid_value',
      );
    case 'invalid_union': {
      if (issue.discriminator !== undefined && 'options' in issue) {
        if (value === undefined) return missingParameter(param);
        return invalidRequest(
          `Invalid value: ${quote(value)}. Supported values are: ${listValues(issue.options ?? [])}.`,
          param,
          'invalid_value',
        );
      }
      if (value === undefined) return missingParameter(param);
      // A branch whose outer type matched (an array, say) explains the problem best: report its issue.
      const matching = issue.errors.filter(
        (branch) => !branch.some((inner) => inner.code === 'invalid_type' && inner.path.length === 0),
      );
      const best = matching.find((branch) => branch[0]?.code !== 'invalid_type') ?? matching[0];
      if (best?.[0]) return issueToError({ ...best[0], path: [...issue.path, ...best[0].path] }, body);
      const expected = [...new Set(issue.errors.flatMap((branch) => branch.map(expectedOf)))].filter(Boolean);
      return invalidRequest(
        `Invalid type for '${param}': expected one of ${expected.map(describeExpected).join(' or ')}, but got ${describeValue(value)} instead.`,
        param,
        'invalid_type',
      );
    }
    case 'too_small':
      return boundError(param, value, 'below', 'minimum', issue.minimum, issue.inclusive ?? true);
    case 'too_big':
      return boundError(param, value, 'above', 'maximum', issue.maximum, issue.inclusive ?? true);
    default:
      return invalidRequest(`Invalid '${param}': ${issue.message}.`, param, 'invalid_value');
  }
}

/**
 * Parameters OpenAI types as decimals: it says "decimal above maximum value" for them even when
 * the value sent is whole (`temperature: 3`). zod's range issues do not tell `int` from `number`.
 */
const decimalParameters = new Set(['temperature', 'top_p', 'frequency_penalty', 'presence_penalty']);

/** OpenAI's wording for numbers, arrays and strings outside their bounds. */
function boundError(
  param: string,
  value: unknown,
  side: 'below' | 'above',
  bound: 'minimum' | 'maximum',
  limit: number | bigint,
  inclusive: boolean,
) {
  const comparison = side === 'below' ? (inclusive ? '>=' : '>') : inclusive ? '<=' : '<';
  if (typeof value === 'number') {
    const kind = decimalParameters.has(param) ? 'decimal' : 'integer';
    return invalidRequest(
      `Invalid '${param}': ${kind} ${side} ${bound} value. Expected a value ${comparison} ${limit}, but got ${value} instead.`,
      param,
      `${kind}_${side}_${bound === 'minimum' ? 'min' : 'max'}_value`,
    );
  }
  if (Array.isArray(value)) {
    if (value.length === 0) {
      return invalidRequest(
        `Invalid '${param}': empty array. Expected an array with minimum length ${limit}, but got an empty array instead.`,
        param,
        'empty_array',
      );
    }
    const adjective = side === 'below' ? 'too short' : 'too long';
    return invalidRequest(
      `Invalid '${param}': array ${adjective}. Expected an array with ${bound} length ${limit}, but got an array with length ${value.length} instead.`,
      param,
      `array_${side}_${bound === 'minimum' ? 'min' : 'max'}_length`,
    );
  }
  if (typeof value === 'string') {
    if (value.length === 0) {
      return invalidRequest(
        `Invalid '${param}': empty string. Expected a string with minimum length ${limit}, but got an empty string instead.`,
        param,
        'empty_string',
      );
    }
    return invalidRequest(
      `Invalid '${param}': string too long. Expected a string with ${bound} length ${limit}, but got a string with length ${value.length} instead.`,
      param,
      `string_${side}_${bound === 'minimum' ? 'min' : 'max'}_length`,
    );
  }
  return invalidRequest(`Invalid '${param}': value out of range.`, param, 'invalid_value');
}

/** `['messages', 0, 'role']` → `messages[0].role`, the way OpenAI names nested parameters. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text ? `.${String(segment)}` : String(segment);
  }
  return text;
}

function valueAt(body: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current = body;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

function expectedOf(issue: z.core.$ZodIssue): string {
  return issue.code === 'invalid_type' ? issue.expected : '';
}

const expectedNames: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'a boolean',
  array: 'an array',
  object: 'an object',
  record: 'an object',
  null: 'null',
};

function describeExpected(expected: string): string {
  return expectedNames[expected] ?? expected;
}

export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a decimal';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'boolean') return 'a boolean';
  return 'an object';
}

function quote(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : (JSON.stringify(value) ?? String(value));
}

/** `'a', 'b', and 'c'`, as OpenAI lists supported values. */
function listValues(values: ReadonlyArray<unknown>): string {
  const quoted = values.map(quote);
  if (quoted.length <= 2) return quoted.join(' and ');
  return `${quoted.slice(0, -1).join(', ')}, and ${quoted.at(-1)}`;
}
