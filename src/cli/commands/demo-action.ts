import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { ConfigError } from '../../core/errors.js';
import { analyzeUsage } from '../../report/analyze.js';
import { demoPolicyYaml } from '../../report/demo/demo-policy.js';
import { generateHistory, type HistoryOptions } from '../../report/demo/generate-history.js';
import { litellmCsvLines } from '../../report/demo/writers/litellm-csv.js';
import { otlpJsonLines } from '../../report/demo/writers/otlp-json.js';
import { usageJsonlLines } from '../../report/demo/writers/usage-jsonl.js';
import { writeLines } from '../../report/demo/writers/write-lines.js';
import { openSources } from '../../report/sources.js';
import { writeReport } from '../../report/write-report.js';
import type { DemoFlags } from './demo.js';
import { reportIssues, routerFor } from './report-action.js';

/** `spendwall demo`: loaded only when the command runs (see demo.ts). */
export async function demoCommand(flags: DemoFlags): Promise<void> {
  const scale = Number(flags.scale);
  if (!(scale > 0 && scale <= 10)) {
    throw new ConfigError(`expected a number above 0 and at most 10, got '${flags.scale}'`, {
      place: '--scale',
    });
  }
  const folder = resolve(flags.outDir);
  const history = join(folder, 'history');
  await mkdir(history, { recursive: true });
  const options: HistoryOptions = { seed: flags.seed, scale };
  const files = {
    jsonl: join(history, 'usage.jsonl'),
    litellm: join(history, 'litellm-spend-logs.csv'),
    otlp: join(history, 'otlp-traces.jsonl'),
  };
  const rows = await writeLines(files.jsonl, usageJsonlLines(generateHistory(options).records));
  await writeLines(files.litellm, litellmCsvLines(generateHistory(options).records));
  await writeLines(files.otlp, otlpJsonLines(generateHistory(options).records));
  const policyPath = join(folder, 'proposed-policy.yaml');
  await writeFile(policyPath, demoPolicyYaml);
  if (!flags.json) {
    console.log(
      `Generated ${rows.toLocaleString('en-US')} requests of 25 workloads over 28 days in ${history}\n`,
    );
  }

  // Named relative to the working directory: the report's header shows where to find the file.
  const sources = openSources({
    imports: [`jsonl:${relative(process.cwd(), files.jsonl) || files.jsonl}`],
    ledger: false,
  });
  const analysis = await analyzeUsage(sources.records, { route: await routerFor(policyPath) });
  reportIssues(sources.issues, sources.issueCount());
  await writeReport(analysis, {
    json: flags.json ?? false,
    outDir: folder,
    sources: sources.names,
    issues: sources.issueCount(),
  });
}
