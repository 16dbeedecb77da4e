import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeUsage } from '../analyze.js';
import { generateHistory } from '../demo/generate-history.js';
import type { UsageRecord } from '../usage-record.js';
import { renderHtml } from './html.js';
import { chromiumMissingReason, launchChromium } from './html-browser-test-support.js';

const hostile = '<img src=x onerror="window.__pwned=1">';
const hostileModel = '"><script>window.__pwned=2</script>';

/** The demo history plus rows whose names try to inject markup into the report. */
function* withHostileRows(records: Iterable<UsageRecord>): Generator<UsageRecord> {
  let index = 0;
  for (const record of records) {
    yield record;
    if (index++ % 50 === 0) {
      yield { ...record, workload: hostile, model: hostileModel, costNanoUsd: undefined, stream: false };
    }
  }
}

const missing = chromiumMissingReason();
if (missing) console.warn(`skipping the HTML report browser test: ${missing}`);

describe.skipIf(missing !== undefined)('HTML report in headless Chromium', () => {
  let folder: string;
  let reportUrl: string;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'spendwall-html-'));
    const analysis = await analyzeUsage(withHostileRows(generateHistory({ scale: 0.05, days: 14 }).records));
    const path = join(folder, 'spendwall-report.html');
    await writeFile(path, renderHtml(analysis, [`jsonl:${hostile}`]));
    reportUrl = pathToFileURL(path).href;
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('shows the charts with data and the candidate rows, loads nothing else and runs no injected script', async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const requested: string[] = [];
      const dialogs: string[] = [];
      page.on('request', (request) => requested.push(request.url()));
      page.on('dialog', async (dialog) => {
        dialogs.push(dialog.message());
        await dialog.dismiss();
      });
      await page.goto(reportUrl);

      const spendBars = page.locator('svg[data-chart="spend-by-lane"] rect.bar');
      expect(await spendBars.count()).toBeGreaterThan(14);
      const amounts = await spendBars.evaluateAll((bars) =>
        bars.map((bar) => Number(bar.getAttribute('data-nano-usd'))),
      );
      expect(amounts.every((amount) => amount > 0)).toBe(true);
      const lanes = await spendBars.evaluateAll(
        (bars) => new Set(bars.map((bar) => bar.getAttribute('data-lane'))).size,
      );
      expect(lanes).toBe(3);
      const box = await page.locator('svg[data-chart="spend-by-lane"]').boundingBox();
      expect(box!.width).toBeGreaterThan(300);
      expect(box!.height).toBeGreaterThan(100);

      const savingsBars = page.locator('svg[data-chart="savings"] rect.bar');
      expect(await savingsBars.count()).toBe(3);

      const candidates = page.locator('table.candidates tr.candidate');
      expect(await candidates.count()).toBeGreaterThanOrEqual(5);
      const verdicts = await candidates.evaluateAll((rows) =>
        rows.map((row) => row.getAttribute('data-verdict')),
      );
      expect(new Set(verdicts)).toEqual(new Set(['batchable', 'flex-able']));
      await expect(candidates.first().locator('.evidence li').count()).resolves.toBeGreaterThan(3);

      // The hostile names are shown as text and nothing they carried ran.
      expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await page.locator(`tr.workload[data-workload='${hostile}']`).count()).toBe(1);
      expect(await page.locator('body').textContent()).toContain(hostile);
      expect(await page.locator('script').count()).toBe(0);
      expect(dialogs).toEqual([]);
      expect(requested).toEqual([reportUrl]);
    } finally {
      await browser.close();
    }
  });
});
