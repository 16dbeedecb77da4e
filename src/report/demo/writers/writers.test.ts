import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeUsage } from '../../analyze.js';
import { readUsage } from '../../import/index.js';
import type { ImportIssue } from '../../usage-record.js';
import { generateHistory } from '../generate-history.js';
import { litellmCsvLines } from './litellm-csv.js';
import { otlpJsonLines } from './otlp-json.js';
import { usageJsonlLines } from './usage-jsonl.js';
import { writeLines } from './write-lines.js';

const options = { seed: 'writers', scale: 0.05 };
const writers = [
  { format: 'litellm', file: 'spend-logs.csv', lines: litellmCsvLines },
  { format: 'otlp', file: 'traces.jsonl', lines: otlpJsonLines },
  { format: 'jsonl', file: 'usage.jsonl', lines: usageJsonlLines },
] as const;

describe('the generated history through the importers', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'spendwall-writers-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it.each(writers)(
    '$format: every row is read back, and the finder still finds the batchable workloads',
    async (writer) => {
      const history = generateHistory(options);
      const path = join(folder, writer.file);
      await writeLines(path, writer.lines(history.records));
      const truth = history.truth();
      const issues: ImportIssue[] = [];
      const analysis = await analyzeUsage(
        readUsage({ format: writer.format, path }, { onIssue: (issue) => issues.push(issue) }),
      );
      expect(issues).toEqual([]);
      expect(analysis.rows).toBe(truth.rows);
      const reference = await analyzeUsage(generateHistory(options).records);
      expect(analysis.totals.inputTokens).toBe(reference.totals.inputTokens);
      expect(analysis.totals.outputTokens).toBe(reference.totals.outputTokens);

      // Every format keeps the workload labels of these, and what tells a pipeline from a person.
      const batchable = [
        'nightly-ticket-classify',
        'eval-suite',
        'embeddings-backfill',
        'weekly-digest',
        'translation-jobs',
      ];
      const verdicts = new Map(analysis.findings.map((finding) => [finding.workload, finding.verdict]));
      for (const name of batchable) expect(verdicts.get(name), `${writer.format} ${name}`).toBe('batchable');
      for (const name of ['support-chat', 'sales-copilot', 'voice-agent', 'ide-assistant']) {
        expect(verdicts.get(name), `${writer.format} ${name}`).toBe('interactive');
      }
    },
  );
});
