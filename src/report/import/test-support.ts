import { join } from 'node:path';
import type { ImportIssue, UsageRecord } from '../usage-record.js';
import { readUsage } from './index.js';
import type { ImportFormat, ImportOptions } from './types.js';

/** Test helpers: the fixtures folder, and one source read to the end. */
export const fixtures = join(import.meta.dirname, '__fixtures__');

export async function readAll(
  format: ImportFormat,
  path: string,
  options: Omit<ImportOptions, 'onIssue'> = {},
): Promise<{ records: UsageRecord[]; issues: ImportIssue[]; messages: string[] }> {
  const records: UsageRecord[] = [];
  const issues: ImportIssue[] = [];
  for await (const record of readUsage(
    { format, path },
    { ...options, onIssue: (issue) => issues.push(issue) },
  )) {
    records.push(record);
  }
  return { records, issues, messages: issues.map(({ position, message }) => `${position}: ${message}`) };
}
