/**
 * Hand-written checks for one field of one row, used instead of a zod schema per row: at two
 * million rows a schema's object walk costs more than reading the file. Each check returns the
 * value or throws a `FieldProblem` naming the field and what was expected; an importer catches it,
 * reports the row with its place and goes on with the next one.
 */

export class FieldProblem extends Error {
  constructor(field: string, expected: string, got: unknown) {
    super(`${field}: expected ${expected}, got ${describe(got)}`);
    this.name = 'FieldProblem';
  }
}

/** A row-level problem that is not about one field's value (too few columns, not an object). */
export class RowProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RowProblem';
  }
}

/** The message of a problem a check raised; anything else is a bug and is thrown again. */
export function problemMessage(error: unknown): string {
  if (error instanceof FieldProblem || error instanceof RowProblem) return error.message;
  throw error;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (value === '') return 'an empty value';
  if (typeof value === 'string') return `'${value.length > 60 ? `${value.slice(0, 57)}...` : value}'`;
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

const digits = /^\d+$/;

/** A count of tokens or requests: a whole number ≥ 0, as a JSON number or a string of digits. */
export function wholeNumber(value: unknown, field: string): number {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value >= 0) return value;
  } else if (typeof value === 'string' && digits.test(value)) {
    const number = Number(value);
    if (Number.isSafeInteger(number)) return number;
  } else if (typeof value === 'string' && /^\d+\.0*$/.test(value)) {
    // Spreadsheets and pandas write counts as "12.0".
    return Number(value);
  }
  throw new FieldProblem(field, 'a whole number ≥ 0', value);
}

export function optionalWholeNumber(value: unknown, field: string): number | undefined {
  return isEmpty(value) ? undefined : wholeNumber(value, field);
}

/** A decimal number ≥ 0 (a cost in USD). */
export function decimal(value: unknown, field: string): number {
  const number =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim() !== ''
        ? Number(value)
        : Number.NaN;
  if (Number.isFinite(number) && number >= 0) return number;
  throw new FieldProblem(field, 'a decimal number ≥ 0', value);
}

export function optionalDecimal(value: unknown, field: string): number | undefined {
  return isEmpty(value) ? undefined : decimal(value, field);
}

/** A non-empty string. */
export function text(value: unknown, field: string): string {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  throw new FieldProblem(field, 'a non-empty string', value);
}

/** A string when present, else undefined; numbers are taken as their text (ids in CSV). */
export function optionalText(value: unknown, field: string): string | undefined {
  if (isEmpty(value)) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw new FieldProblem(field, 'a string', value);
}

const truthy = new Set(['true', 'True', 'TRUE', '1', 'yes']);
const falsy = new Set(['false', 'False', 'FALSE', '0', 'no']);

export function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (isEmpty(value)) return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    if (truthy.has(value)) return true;
    if (falsy.has(value)) return false;
  }
  throw new FieldProblem(field, 'true or false', value);
}

/**
 * `YYYY-MM-DD[T ]HH:MM[:SS[.fff…]]` with `Z`, `±HH:MM` or no zone; no zone means UTC (LiteLLM and
 * Postgres exports write UTC without saying so). Parsed by hand: it is most of a row's cost
 * through `Date.parse`, which would also read a zoneless time as local time.
 */
const isoPattern =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|z|[+-]\d{2}:?\d{2}|UTC)?$/;

function parseIso(value: string): number {
  const match = isoPattern.exec(value);
  if (!match) {
    if (/^\d{4}-\d{2}-\d{2}$/.test(value))
      return Date.UTC(+value.slice(0, 4), +value.slice(5, 7) - 1, +value.slice(8, 10));
    return Number.NaN;
  }
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  const milliseconds = fraction ? Math.floor(Number(`0.${fraction}`) * 1000) : 0;
  let time = Date.UTC(+year!, +month! - 1, +day!, +hour!, +minute!, second ? +second : 0, milliseconds);
  if (zone && zone !== 'Z' && zone !== 'z' && zone !== 'UTC') {
    const sign = zone[0] === '-' ? -1 : 1;
    const offset = zone.slice(1).replace(':', '');
    time -= sign * (Number(offset.slice(0, 2)) * 60 + Number(offset.slice(2, 4))) * 60_000;
  }
  return time;
}

/**
 * A point in time, as epoch milliseconds: an ISO 8601 / RFC 3339 string, or a number of epoch
 * seconds, milliseconds, microseconds or nanoseconds, told apart by size (any date between 1973
 * and 5138 reads the same whichever unit the source used).
 */
export function timestamp(value: unknown, field: string): number {
  let time = Number.NaN;
  if (typeof value === 'number') time = fromEpoch(value);
  else if (typeof value === 'string' && value !== '') {
    time = /^\d+(\.\d+)?$/.test(value) ? fromEpoch(Number(value)) : parseIso(value.trim());
  }
  if (Number.isFinite(time)) return time;
  throw new FieldProblem(
    field,
    'a time (ISO 8601 such as 2026-11-02T14:05:00Z, or epoch seconds or milliseconds)',
    value,
  );
}

export function optionalTimestamp(value: unknown, field: string): number | undefined {
  return isEmpty(value) ? undefined : timestamp(value, field);
}

function fromEpoch(number: number): number {
  if (!Number.isFinite(number) || number < 0) return Number.NaN;
  if (number < 1e11) return Math.round(number * 1000);
  if (number < 1e14) return Math.round(number);
  if (number < 1e17) return Math.round(number / 1000);
  return Math.round(number / 1e6);
}

/** USD to integer nano-USD, rounded half up. */
export function nanoUsdFromUsd(usd: number): number {
  return Math.round(usd * 1e9);
}
