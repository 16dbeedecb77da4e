import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createPriceBook } from '../../prices/index.js';
import { CsvParser } from '../import/csv-parser.js';
import type { UsageRecord } from '../usage-record.js';
import { allowedValues, focusColumns, mandatoryColumns } from './columns.js';
import { decimalUsd } from './format.js';
import { writeFocusCsv } from './write-focus.js';

function record(overrides: Partial<UsageRecord>): UsageRecord {
  return {
    startedAt: Date.UTC(2026, 10, 2, 9),
    requests: 1,
    provider: 'openai',
    model: 'gpt-4o-mini',
    lane: 'realtime',
    workload: 'support-chat',
    team: 'support',
    inputTokens: 1_000_000,
    outputTokens: 100_000,
    origin: { format: 'litellm', path: 'spend.csv', position: 'line 2' },
    ...overrides,
  };
}

const records: UsageRecord[] = [
  record({ costNanoUsd: 210_000_000 }),
  record({ origin: { format: 'otlp', path: 'spans.jsonl', position: 'line 1' } }),
  record({
    startedAt: Date.UTC(2026, 10, 2, 2),
    lane: 'batch',
    workload: 'nightly',
    team: 'data',
    project: 'proj_data',
  }),
  record({ model: 'mystery-model' }),
  record({ startedAt: Date.UTC(2026, 9, 31, 23, 59), requests: 0, requestCountUnknown: true }),
  record({ startedAt: Date.UTC(2026, 8, 1) }),
];

async function* stream(items: UsageRecord[]): AsyncGenerator<UsageRecord> {
  yield* items;
}

async function exportFocus() {
  const output = new PassThrough();
  const chunks: string[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  const summary = await writeFocusCsv(stream(records), output, {
    priceBook: createPriceBook(),
    since: Date.UTC(2026, 9, 1),
  });
  output.end();
  const parser = new CsvParser();
  const rows = [...parser.push(chunks.join('')), ...parser.end()].map((row) => row.fields);
  const [header, ...body] = rows;
  const objects = body.map((fields) =>
    Object.fromEntries(header!.map((name, index) => [name, fields[index] ?? ''])),
  );
  return { summary, header: header!, rows: objects };
}

describe('writeFocusCsv', () => {
  it('writes a header with every FOCUS 1.2 mandatory column and the x_ extensions', async () => {
    const { header } = await exportFocus();
    for (const column of mandatoryColumns) expect(header).toContain(column);
    expect(header).toEqual([...focusColumns]);
    for (const column of ['x_Lane', 'x_Workload', 'x_Team', 'x_RealtimeEquivalentCost', 'x_Model']) {
      expect(header).toContain(column);
    }
  });

  it('sums records per day, provider, model, lane, workload and team, priced exactly', async () => {
    const { rows } = await exportFocus();
    expect(
      rows.map((row) => [
        row['ChargePeriodStart'],
        row['x_Lane'],
        row['x_Workload'],
        row['BilledCost'],
        row['x_RealtimeEquivalentCost'],
      ]),
    ).toEqual([
      ['2026-10-31T00:00:00Z', 'realtime', 'support-chat', '0.21', '0.21'],
      ['2026-11-02T00:00:00Z', 'batch', 'nightly', '0.105', '0.21'],
      ['2026-11-02T00:00:00Z', 'realtime', 'support-chat', '0.42', '0.42'],
    ]);
    expect(rows[2]).toMatchObject({
      x_Requests: '2',
      PricingQuantity: '2200000',
      ConsumedQuantity: '2200000',
      x_Sources: 'litellm otlp',
      BillingPeriodStart: '2026-11-01T00:00:00Z',
      BillingPeriodEnd: '2026-12-01T00:00:00Z',
      ChargePeriodEnd: '2026-11-03T00:00:00Z',
      ProviderName: 'OpenAI',
      SkuPriceId: 'openai/gpt-4o-mini/realtime',
    });
    expect(rows[1]).toMatchObject({ SubAccountId: 'proj_data', ListCost: '0.105', x_Team: 'data' });
    expect(rows[0]).toMatchObject({
      x_RequestCountUnknown: 'true',
      BillingPeriodStart: '2026-10-01T00:00:00Z',
    });
  });

  it('fills every mandatory column with a valid value', async () => {
    const { rows } = await exportFocus();
    const isoUtc = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
    const decimal = /^-?\d+(\.\d+)?$/;
    for (const row of rows) {
      for (const column of mandatoryColumns) {
        if (column !== 'ChargeClass') expect(row[column], column).not.toBe('');
      }
      for (const column of [
        'BillingPeriodStart',
        'BillingPeriodEnd',
        'ChargePeriodStart',
        'ChargePeriodEnd',
      ]) {
        expect(row[column]).toMatch(isoUtc);
      }
      for (const column of [
        'BilledCost',
        'EffectiveCost',
        'ListCost',
        'ContractedCost',
        'PricingQuantity',
        'ConsumedQuantity',
      ]) {
        expect(row[column]).toMatch(decimal);
      }
      expect(allowedValues.ChargeCategory).toContain(row['ChargeCategory']);
      expect(allowedValues.ChargeClass).toContain(row['ChargeClass']);
      expect(allowedValues.ChargeFrequency).toContain(row['ChargeFrequency']);
      expect(allowedValues.PricingCategory).toContain(row['PricingCategory']);
      expect(row['ServiceCategory']).toBe('AI and Machine Learning');
      expect(allowedValues.ServiceSubcategory).toContain(row['ServiceSubcategory']);
      expect(row['BillingCurrency']).toBe('USD');
    }
  });

  it('leaves out records no source or catalog can price, and says which', async () => {
    const { summary } = await exportFocus();
    expect(summary).toMatchObject({ rows: 3, recordsRead: 6, recordsExported: 4, recordsOutOfRange: 1 });
    expect(summary.unpriced.records).toBe(1);
    expect([...summary.unpriced.reasons.keys()]).toEqual(['openai/mystery-model']);
  });
});

describe('decimalUsd', () => {
  it('writes nano-USD exactly, without exponent or trailing zeros', () => {
    expect(decimalUsd(412_500)).toBe('0.0004125');
    expect(decimalUsd(1)).toBe('0.000000001');
    expect(decimalUsd(12_000_000_000)).toBe('12');
    expect(decimalUsd(0)).toBe('0');
    expect(decimalUsd(-1_500_000_000)).toBe('-1.5');
  });
});
