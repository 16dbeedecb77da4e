import type { Lane } from '../../prices/types.js';
import type { DailyLaneSpend } from '../views/spend-by-day.js';
import { escapeHtml as esc } from './escape.js';
import { usd } from './format.js';

export const laneColors: Record<Lane, string> = { realtime: '#4263eb', flex: '#f08c00', batch: '#2b8a3e' };
const laneOrder: readonly Lane[] = ['batch', 'flex', 'realtime'];

/**
 * Spend per day, stacked by lane, as inline SVG (no script, no external asset). Every bar
 * carries its figures in `data-*` attributes and a `<title>` tooltip.
 */
export function spendByLaneChart(days: readonly DailyLaneSpend[]): string {
  const width = 880;
  const height = 280;
  const left = 72;
  const right = 16;
  const top = 16;
  const bottom = 44;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const maximum = niceCeiling(Math.max(1, ...days.map((day) => day.realtime + day.flex + day.batch)));
  const slot = plotWidth / Math.max(1, days.length);
  const barWidth = Math.max(2, slot * 0.72);
  const y = (nanoUsd: number) => top + plotHeight - (nanoUsd / maximum) * plotHeight;

  const parts: string[] = [];
  for (let tick = 0; tick <= 4; tick++) {
    const value = (maximum * tick) / 4;
    const at = y(value).toFixed(1);
    parts.push(
      `<line x1="${left}" x2="${width - right}" y1="${at}" y2="${at}" stroke="#e9ecef"/>`,
      `<text x="${left - 8}" y="${at}" text-anchor="end" dominant-baseline="middle" class="axis">${esc(usd(value))}</text>`,
    );
  }
  const labelEvery = Math.max(1, Math.ceil(days.length / 10));
  days.forEach((day, index) => {
    const x = left + index * slot + (slot - barWidth) / 2;
    let base = 0;
    for (const lane of laneOrder) {
      const value = day[lane];
      if (value <= 0) continue;
      const y1 = y(base + value);
      const barHeight = Math.max(0.5, y(base) - y1);
      parts.push(
        `<rect class="bar" x="${x.toFixed(1)}" y="${y1.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${barHeight.toFixed(1)}" fill="${laneColors[lane]}" data-day="${esc(day.day)}" data-lane="${lane}" data-nano-usd="${Math.round(value)}"><title>${esc(`${day.day} ${lane}: ${usd(value)}`)}</title></rect>`,
      );
      base += value;
    }
    if (index % labelEvery === 0) {
      parts.push(
        `<text x="${(x + barWidth / 2).toFixed(1)}" y="${height - bottom + 18}" text-anchor="middle" class="axis">${esc(day.day.slice(5))}</text>`,
      );
    }
  });
  const legend = (['realtime', 'flex', 'batch'] as const)
    .map(
      (lane, index) =>
        `<rect x="${left + index * 110}" y="${height - 14}" width="12" height="12" fill="${laneColors[lane]}"/><text x="${left + index * 110 + 18}" y="${height - 4}" class="legend">${lane}</text>`,
    )
    .join('');
  return `<svg class="chart" data-chart="spend-by-lane" data-points="${days.length}" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="Spend per day by lane" xmlns="http://www.w3.org/2000/svg">${parts.join('')}<line x1="${left}" x2="${width - right}" y1="${top + plotHeight}" y2="${top + plotHeight}" stroke="#adb5bd"/>${legend}</svg>`;
}

export interface Bar {
  label: string;
  nanoUsd: number;
  color: string;
  note: string;
}

/** Horizontal bars with their amounts: realized, missed and estimated savings side by side. */
export function barsChart(name: string, bars: readonly Bar[]): string {
  const width = 880;
  const rowHeight = 44;
  const left = 190;
  const right = 120;
  const height = bars.length * rowHeight + 12;
  const maximum = Math.max(1, ...bars.map((bar) => bar.nanoUsd));
  const rows = bars.map((bar, index) => {
    const y = 8 + index * rowHeight;
    const barWidth = Math.max(
      bar.nanoUsd > 0 ? 2 : 0,
      ((width - left - right) * Math.max(0, bar.nanoUsd)) / maximum,
    );
    return (
      `<text x="${left - 10}" y="${y + 14}" text-anchor="end" class="label">${esc(bar.label)}</text>` +
      `<text x="${left - 10}" y="${y + 30}" text-anchor="end" class="note">${esc(bar.note)}</text>` +
      `<rect class="bar" x="${left}" y="${y + 4}" width="${barWidth.toFixed(1)}" height="26" rx="3" fill="${bar.color}" data-label="${esc(bar.label)}" data-nano-usd="${Math.round(bar.nanoUsd)}"><title>${esc(`${bar.label}: ${usd(bar.nanoUsd)}`)}</title></rect>` +
      `<text x="${(left + barWidth + 8).toFixed(1)}" y="${y + 22}" class="amount">${esc(usd(bar.nanoUsd))}</text>`
    );
  });
  return `<svg class="chart" data-chart="${esc(name)}" data-points="${bars.length}" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${esc(name)}" xmlns="http://www.w3.org/2000/svg">${rows.join('')}</svg>`;
}

/** A round number at or above `value` for the top of an axis (1, 1.2, 1.5, 2… times a power of ten). */
function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}
