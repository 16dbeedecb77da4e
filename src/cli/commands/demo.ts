import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
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
import { reportIssues, routerFor } from './report.js';

interface DemoFlags {
  outDir: string;
  seed: string;
  scale: string;
  json?: boolean;
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'Generate a realistic four-week usage history (25 workloads) and run the full spend review on it: terminal, Markdown and HTML.',
    )
    .option('--out-dir <dir>', 'where the history and the reports go', 'spendwall-demo')
    .option('--seed <seed>', 'the same seed gives the same history', 'spendwall-demo')
    .option('--scale <factor>', 'volume multiplier (1 ≈ 600,000 requests)', '0.2')
    .option('--json', 'print the findings as JSON instead of the summary table')
    .addHelpText(
      'after',
      '\nWrites history/usage.jsonl, history/litellm-spend-logs.csv and history/otlp-traces.jsonl (the same\n' +
        'requests in three import formats), proposed-policy.yaml, then reads usage.jsonl back through the\n' +
        'importer exactly as `spendwall report --import jsonl:… --policy proposed-policy.yaml` would. See docs/report.md.',
    )
    .action(async (flags: DemoFlags) => {
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
    });
}
