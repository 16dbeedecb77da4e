import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { PriceBook } from '../../prices/index.js';
import type { UsageRecord } from '../usage-record.js';
import { FocusAggregator, type FocusGroup, type Unpriced } from './aggregate.js';
import { type FocusRow, focusColumns } from './columns.js';
import { csvField, dayOf, decimalUsd, isoUtc, monthOf } from './format.js';

export interface FocusExportOptions {
  priceBook: PriceBook;
  /** Records that started at or after this time (epoch ms). */
  since?: number;
  /** Records that started before this time (epoch ms). */
  until?: number;
  /** The billing account every row names; default one per provider (`openai`, `anthropic`). */
  billingAccountId?: string;
  billingAccountName?: string;
}

export interface FocusExportSummary {
  rows: number;
  recordsRead: number;
  recordsExported: number;
  /** Records left out of the time range. */
  recordsOutOfRange: number;
  unpriced: Unpriced;
}

const providerDisplayNames: Record<string, string> = { openai: 'OpenAI', anthropic: 'Anthropic' };

function displayName(provider: string): string {
  return providerDisplayNames[provider] ?? provider.charAt(0).toUpperCase() + provider.slice(1);
}

/** The FOCUS row of one group. */
export function focusRow(
  group: FocusGroup,
  options: Pick<FocusExportOptions, 'billingAccountId' | 'billingAccountName'>,
): FocusRow {
  const provider = displayName(group.provider);
  const day = dayOf(group.dayStart);
  const month = monthOf(group.dayStart);
  const billed = decimalUsd(group.billedNanoUsd);
  const tokens = String(group.inputTokens + group.outputTokens);
  const requests = group.requestCountUnknown
    ? 'requests not counted by the source'
    : `${group.requests} requests`;
  return {
    BilledCost: billed,
    BillingAccountId: options.billingAccountId ?? group.provider,
    BillingAccountName: options.billingAccountName ?? `${provider} organization`,
    BillingCurrency: 'USD',
    BillingPeriodEnd: isoUtc(month.end),
    BillingPeriodStart: isoUtc(month.start),
    ChargeCategory: 'Usage',
    ChargeClass: '',
    ChargeDescription: `${group.model} tokens in the ${group.lane} lane (${requests})`,
    ChargePeriodEnd: isoUtc(day.end),
    ChargePeriodStart: isoUtc(day.start),
    // No negotiated rates or commitments are known: what was billed is the contracted and effective cost.
    ContractedCost: billed,
    EffectiveCost: billed,
    InvoiceIssuerName: provider,
    ListCost: decimalUsd(group.listNanoUsd),
    PricingQuantity: tokens,
    PricingUnit: 'Tokens',
    ProviderName: provider,
    PublisherName: provider,
    ServiceCategory: 'AI and Machine Learning',
    ServiceName: `${provider} API`,
    ChargeFrequency: 'Usage-Based',
    ConsumedQuantity: tokens,
    ConsumedUnit: 'Tokens',
    PricingCategory: 'Standard',
    ServiceSubcategory: 'Generative AI',
    SkuId: `${group.provider}/${group.model}`,
    SkuPriceId: `${group.provider}/${group.model}/${group.lane}`,
    SubAccountId: group.project ?? '',
    SubAccountName: group.project ?? '',
    x_Lane: group.lane,
    x_Workload: group.workload ?? '',
    x_Team: group.team ?? '',
    x_Model: group.model,
    x_RealtimeEquivalentCost: group.realtimeNanoUsd === null ? '' : decimalUsd(group.realtimeNanoUsd),
    x_Requests: String(group.requests),
    x_RequestCountUnknown: group.requestCountUnknown ? 'true' : 'false',
    x_InputTokens: String(group.inputTokens),
    x_CachedInputTokens: String(group.cachedInputTokens),
    x_CacheWriteInputTokens: String(group.cacheWriteInputTokens),
    x_OutputTokens: String(group.outputTokens),
    x_Sources: [...group.sources].sort().join(' '),
  };
}

/**
 * Reads every record (any number of sources, streamed), sums them per day and group, and writes
 * the FOCUS 1.2 CSV to `output`. Memory grows with the number of groups, not of records.
 */
export async function writeFocusCsv(
  records: AsyncIterable<UsageRecord>,
  output: Writable,
  options: FocusExportOptions,
): Promise<FocusExportSummary> {
  const aggregator = new FocusAggregator(options.priceBook);
  let outOfRange = 0;
  for await (const record of records) {
    if (
      (options.since !== undefined && record.startedAt < options.since) ||
      (options.until !== undefined && record.startedAt >= options.until)
    ) {
      outOfRange += 1;
      continue;
    }
    aggregator.add(record);
  }
  await write(output, `${focusColumns.join(',')}\r\n`);
  const groups = aggregator.groupsInOrder();
  for (const group of groups) {
    const row = focusRow(group, options);
    await write(output, `${focusColumns.map((column) => csvField(row[column])).join(',')}\r\n`);
  }
  return {
    rows: groups.length,
    recordsRead: aggregator.recordsRead + outOfRange,
    recordsExported: aggregator.recordsRead - aggregator.unpriced.records,
    recordsOutOfRange: outOfRange,
    unpriced: aggregator.unpriced,
  };
}

async function write(output: Writable, text: string): Promise<void> {
  if (!output.write(text)) await once(output, 'drain');
}
