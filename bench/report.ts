/**
 * The spend review at scale: 2,000,000 usage rows of the demo history written as a LiteLLM
 * spend-log CSV and as OTLP JSON (one export request of 100 spans per line), each imported and
 * reported by `spendwall report` (compiled, in its own process). Prints wall time and peak RSS
 * next to a baseline measured in the same run on the same file (streaming read + parse: CSV
 * lines split into fields; JSON.parse per line), the ratios, and PASS/MISS for the targets of
 * issue 5: wall time ≤ 5× the baseline's, peak RSS ≤ 1 GB.
 *
 *   npx tsx bench/report.ts [--rows=2000000] [--no-build]   (builds dist/ with `npm run build` first)
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');
const cli = join(root, 'dist/cli/main.js');
const usagePreload = join(root, 'bench/support/report-usage.mjs');
const baselineScript = join(root, 'bench/support/report-baseline.mjs');
const rowCount = Number(
  process.argv.find((argument) => argument.startsWith('--rows='))?.slice(7) ?? 2_000_000,
);
const targets = { wallRatio: 5, peakRssMb: 1024 };

interface Measured {
  wallMs: number;
  cpuMs: number;
  maxRssMb: number;
  stdout: string;
}

async function measure(args: string[], folder: string, name: string): Promise<Measured> {
  const usageFile = join(folder, `${name}.usage.json`);
  const stdoutFile = join(folder, `${name}.stdout`);
  const stdout = openSync(stdoutFile, 'w');
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', usagePreload, ...args], {
    env: { ...process.env, SPENDWALL_USAGE_FILE: usageFile, CI: 'true' },
    stdio: ['ignore', stdout, 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [code] = (await once(child, 'exit')) as [number];
  const wallMs = performance.now() - started;
  closeSync(stdout);
  if (code !== 0) throw new Error(`${name} exited with ${code}:\n${stderr.slice(-2000)}`);
  const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as { cpuMs: number; maxRssMb: number };
  return { wallMs, ...usage, stdout: readFileSync(stdoutFile, 'utf8') };
}

try {
  if (!process.argv.includes('--no-build'))
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
} catch {
  if (!existsSync(cli)) throw new Error('npm run build failed and dist/ has no CLI');
  console.warn('warning: npm run build reported errors; measuring the JavaScript it emitted anyway');
}

// The generator and writers come from dist/ too: the bench measures what users run.
const importDist = (path: string) => import(pathToFileURL(join(root, 'dist', path)).href);
const { generateHistory } = await importDist('report/demo/generate-history.js');
const { writeLines } = await importDist('report/demo/writers/write-lines.js');
const { litellmCsvLines } = await importDist('report/demo/writers/litellm-csv.js');
const { otlpJsonLines } = await importDist('report/demo/writers/otlp-json.js');

const folder = mkdtempSync(join(tmpdir(), 'spendwall-bench-report-'));
const history = () => generateHistory({ seed: 'bench', scale: 3.5, maxRows: rowCount }).records;
const formats = [
  {
    name: 'litellm',
    file: join(folder, 'spend-logs.csv'),
    baseline: 'csv',
    write: (path: string) => writeLines(path, litellmCsvLines(history())),
  },
  {
    name: 'otlp',
    file: join(folder, 'traces.jsonl'),
    baseline: 'json',
    write: (path: string) => writeLines(path, otlpJsonLines(history(), 100)),
  },
];

const results: { name: string; sizeMb: number; baseline: Measured; report: Measured; rows: number }[] = [];
try {
  for (const format of formats) {
    const started = performance.now();
    await format.write(format.file);
    const sizeMb = statSync(format.file).size / 1024 / 1024;
    console.log(
      `wrote ${rowCount.toLocaleString('en-US')} rows as ${format.name} (${sizeMb.toFixed(0)} MB) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const baseline = await measure(
      [baselineScript, format.baseline, format.file],
      folder,
      `baseline-${format.name}`,
    );
    const report = await measure(
      [
        cli,
        'report',
        '--import',
        `${format.name}:${format.file}`,
        '--json',
        '--out-dir',
        join(folder, `report-${format.name}`),
      ],
      folder,
      `report-${format.name}`,
    );
    const rows = (JSON.parse(report.stdout) as { rows: number }).rows;
    if (rows !== rowCount)
      throw new Error(`${format.name}: the report read ${rows} rows, expected ${rowCount}`);
    results.push({ name: format.name, sizeMb, baseline, report, rows });
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}

const pad = (text: string, width: number) => text.padStart(width);
console.log(
  `\nspend review: spendwall report on ${rowCount.toLocaleString('en-US')} rows (dist/, own process) vs. streaming read + parse of the same file\n`,
);
console.log(
  'format   file MB  baseline s  baseline MB  report s  report MB  wall ratio  CPU ratio  wall ≤ 5×  RSS ≤ 1 GB',
);
for (const { name, sizeMb, baseline, report } of results) {
  const ratio = report.wallMs / baseline.wallMs;
  console.log(
    [
      name.padEnd(7),
      pad(sizeMb.toFixed(0), 8),
      pad((baseline.wallMs / 1000).toFixed(1), 11),
      pad(baseline.maxRssMb.toFixed(0), 12),
      pad((report.wallMs / 1000).toFixed(1), 9),
      pad(report.maxRssMb.toFixed(0), 10),
      pad(`${ratio.toFixed(2)}×`, 11),
      pad(`${(report.cpuMs / baseline.cpuMs).toFixed(2)}×`, 10),
      pad(ratio <= targets.wallRatio ? 'PASS' : 'MISS', 10),
      pad(report.maxRssMb <= targets.peakRssMb ? 'PASS' : 'MISS', 11),
    ].join(' '),
  );
}
console.log(
  '\nCPU ratio: user + system time of the two processes; on a busy machine it moves less than wall time.',
);
