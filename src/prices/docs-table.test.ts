import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalog } from './catalog/index.js';
import type { CatalogEntry, LanePrice } from './types.js';

// docs/prices.md shows the catalog as tables; this keeps the page and the data from drifting.

const figure = (value: number | undefined) => (value === undefined ? '–' : String(value));
const ids = (entry: CatalogEntry) =>
  [entry.model, ...(entry.aliases ?? [])].map((id) => `\`${id}\``).join(', ');
const threeFigures = (lane: LanePrice | undefined) =>
  lane ? `${figure(lane.input)} / ${figure(lane.cachedInput)} / ${figure(lane.output)}` : 'not offered';

function expectedRow(entry: CatalogEntry): string {
  const { realtime, batch } = entry;
  if (entry.provider === 'anthropic') {
    const batchFigures = [
      batch?.input,
      batch?.cacheWrite,
      batch?.cacheWrite1h,
      batch?.cachedInput,
      batch?.output,
    ];
    return (
      `| ${ids(entry)} | ${figure(realtime.input)} | ${figure(realtime.cacheWrite)} | ` +
      `${figure(realtime.cacheWrite1h)} | ${figure(realtime.cachedInput)} | ${figure(realtime.output)} | ` +
      `${batchFigures.map(figure).join(' / ')} |`
    );
  }
  return (
    `| ${ids(entry)} | ${figure(realtime.input)} | ${figure(realtime.cachedInput)} | ` +
    `${figure(realtime.output)} | ${threeFigures(batch)} | ${threeFigures(entry.flex)} |`
  );
}

describe('docs/prices.md', () => {
  const page = readFileSync(new URL('../../docs/prices.md', import.meta.url), 'utf8');

  it('shows every catalog entry with the catalog figures', () => {
    for (const entry of catalog) expect(page, entry.model).toContain(expectedRow(entry));
  });

  it('names each source and the date the figures were checked', () => {
    for (const entry of catalog) {
      expect(page, entry.model).toContain(entry.source);
      expect(page, entry.model).toContain(entry.asOf);
    }
  });
});
