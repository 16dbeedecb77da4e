import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Analysis } from './analyze.js';
import { renderHtml } from './render/html.js';
import { renderJson } from './render/json.js';
import { renderMarkdown } from './render/markdown.js';
import { renderTerminal } from './render/terminal.js';

export const reportFileNames = { markdown: 'spendwall-report.md', html: 'spendwall-report.html' } as const;

export interface ReportOutput {
  /** Print JSON on stdout instead of the terminal summary. */
  json: boolean;
  /** Where spendwall-report.md and spendwall-report.html go; `null` writes no files. */
  outDir: string | null;
  sources: readonly string[];
  issues: number;
}

/** Prints the summary (or JSON) and writes the Markdown and HTML reports; returns the files written. */
export async function writeReport(
  analysis: Analysis,
  output: ReportOutput,
  print: (text: string) => void = (text) => process.stdout.write(text),
): Promise<string[]> {
  const files: string[] = [];
  if (output.outDir !== null) {
    const folder = resolve(output.outDir);
    await mkdir(folder, { recursive: true });
    const markdown = join(folder, reportFileNames.markdown);
    const html = join(folder, reportFileNames.html);
    await writeFile(markdown, renderMarkdown(analysis, output.sources));
    await writeFile(html, renderHtml(analysis, output.sources));
    files.push(markdown, html);
  }
  if (output.json) {
    print(`${JSON.stringify(renderJson(analysis, output.sources, output.issues), jsonNumbers, 2)}\n`);
  } else {
    print(`${renderTerminal(analysis)}\n`);
    if (files.length > 0) print(`\nWrote ${files.join(' and ')}\n`);
  }
  return files;
}

/** JSON has no Infinity: "always on weekdays, never at weekends" is written as null. */
function jsonNumbers(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}
