import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';

/**
 * Headless Chromium for the HTML report's test and its screenshot: Debian's package at
 * /usr/bin/chromium, never a downloaded browser (CI installs it with apt-get).
 */
export const chromiumPath = '/usr/bin/chromium';

export function chromiumMissingReason(): string | undefined {
  return existsSync(chromiumPath)
    ? undefined
    : `${chromiumPath} is missing: install Debian's chromium (apt-get install -y chromium) to run the HTML report test`;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** `npx tsx src/report/render/html-browser-test-support.ts REPORT.html OUT.png`: the docs screenshot. */
export async function screenshot(htmlPath: string, pngPath: string): Promise<void> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1180, height: 1500 }, deviceScaleFactor: 1 });
    await page.goto(pathToFileURL(resolve(htmlPath)).href);
    await mkdir(dirname(resolve(pngPath)), { recursive: true });
    await page.screenshot({ path: pngPath, fullPage: false });
  } finally {
    await browser.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [htmlPath, pngPath] = process.argv.slice(2);
  if (!htmlPath || !pngPath) {
    console.error('usage: tsx src/report/render/html-browser-test-support.ts REPORT.html OUT.png');
    process.exit(2);
  }
  await screenshot(htmlPath, pngPath);
  console.log(`wrote ${pngPath}`);
}
