import type { z } from 'zod';

/**
 * Anthropic's API validates bodies with pydantic and answers `400 invalid_request_error` with
 * `<dotted path>: <pydantic message>` (`messages.0.content: Field required`). Our zod issues are
 * rewritten into the same words, so clients that show or match those messages see what they would
 * see from the real API.
 */

type Issue = z.core.$ZodIssue;
type PathSegment = PropertyKey;

/** The first issue, as Anthropic would word it, with the path prefixed by `prefix` (`requests.3.params`). */
export function describeIssue(issue: Issue, body: unknown, prefix: readonly PathSegment[] = []): string {
  const { path, message } = wordIssue(issue, body, []);
  const place = [...prefix, ...path].map(String).join('.');
  return place ? `${place}: ${message}` : message;
}

interface WordedIssue {
  path: PathSegment[];
  message: string;
}

function wordIssue(issue: Issue, body: unknown, base: readonly PathSegment[]): WordedIssue {
  const path = [...base, ...issue.path];
  switch (issue.code) {
    case 'invalid_type': {
      const present = valueAt(body, path);
      if (!present.exists || present.value === undefined) return { path, message: 'Field required' };
      return { path, message: expectedTypeMessage(issue.expected) };
    }
    case 'too_small':
      return { path, message: sizeMessage('small', issue.origin, Number(issue.minimum), body, path) };
    case 'too_big':
      return { path, message: sizeMessage('big', issue.origin, Number(issue.maximum), body, path) };
    case 'invalid_value':
      return {
        path,
        message: `Input should be ${alternatives(issue.values.map((value) => `'${String(value)}'`))}`,
      };
    case 'unrecognized_keys':
      return { path: [...path, issue.keys[0] ?? ''], message: 'Extra inputs are not permitted' };
    case 'invalid_format':
      return {
        path,
        message:
          issue.format === 'regex' && 'pattern' in issue
            ? `String should match pattern '${String(issue.pattern).replace(/^\/|\/$/g, '')}'`
            : `Input should be a valid ${issue.format}`,
      };
    case 'invalid_union':
      return wordUnionIssue(issue, body, path);
    default:
      return { path, message: issue.message };
  }
}

/**
 * A union (`content`: a string or a list of blocks) fails in every branch. The branch that got
 * furthest into the input is the one the caller meant, so its first issue is the useful one; when
 * no branch got past the type check, name the types that would have been accepted.
 */
function wordUnionIssue(
  issue: Extract<Issue, { code: 'invalid_union' }>,
  body: unknown,
  path: PathSegment[],
): WordedIssue {
  if (issue.errors.length === 0 && 'discriminator' in issue && typeof issue.discriminator === 'string') {
    const options = 'options' in issue && Array.isArray(issue.options) ? issue.options : [];
    const tag = valueAt(body, path).value;
    if (tag === undefined) return { path, message: 'Field required' };
    return {
      path,
      message: `Input tag '${String(tag)}' found using '${issue.discriminator}' does not match any of the expected tags: ${options.map((option) => `'${String(option)}'`).join(', ')}`,
    };
  }
  let deepest: Issue | undefined;
  for (const branch of issue.errors) {
    const first = branch[0];
    if (first && first.path.length > 0 && (!deepest || first.path.length > deepest.path.length))
      deepest = first;
  }
  if (deepest) return wordIssue(deepest, body, path);
  if (!valueAt(body, path).exists) return { path, message: 'Field required' };
  const expected = issue.errors
    .map((branch) => branch[0])
    .filter((first): first is Extract<Issue, { code: 'invalid_type' }> => first?.code === 'invalid_type')
    .map((first) => typeName(first.expected));
  return { path, message: `Input should be ${expected.map((name) => `a valid ${name}`).join(' or ')}` };
}

/** Pydantic's way of listing choices: `'a', 'b' or 'c'`. */
function alternatives(choices: string[]): string {
  return choices.length <= 1 ? (choices[0] ?? '') : `${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}`;
}

function expectedTypeMessage(expected: string): string {
  return `Input should be a valid ${typeName(expected)}`;
}

function typeName(expected: string): string {
  switch (expected) {
    case 'array':
      return 'list';
    case 'object':
    case 'record':
      return 'dictionary';
    case 'int':
      return 'integer';
    default:
      return expected;
  }
}

function sizeMessage(
  direction: 'small' | 'big',
  origin: string,
  bound: number,
  body: unknown,
  path: PathSegment[],
): string {
  const comparison = direction === 'small' ? 'at least' : 'at most';
  if (origin === 'array') {
    const actual = valueAt(body, path).value;
    const count = Array.isArray(actual) ? actual.length : 0;
    return `List should have ${comparison} ${bound} item${bound === 1 ? '' : 's'} after validation, not ${count}`;
  }
  if (origin === 'string')
    return `String should have ${comparison} ${bound} character${bound === 1 ? '' : 's'}`;
  return `Input should be ${direction === 'small' ? 'greater' : 'less'} than or equal to ${bound}`;
}

function valueAt(body: unknown, path: readonly PathSegment[]): { exists: boolean; value: unknown } {
  let current: unknown = body;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return { exists: false, value: undefined };
    const record = current as Record<PropertyKey, unknown>;
    if (!(segment in record)) return { exists: false, value: undefined };
    current = record[segment];
  }
  return { exists: true, value: current };
}
