/**
 * The columns of Spendwall's FOCUS 1.2 export, in order: every column FOCUS 1.2 makes
 * Mandatory, the Conditional and Recommended ones AI usage has values for, then Spendwall's own
 * `x_` columns (FOCUS reserves the `x_` prefix for provider extensions). See docs/focus-export.md.
 */

export const focusVersion = '1.2';

export const mandatoryColumns = [
  'BilledCost',
  'BillingAccountId',
  'BillingAccountName',
  'BillingCurrency',
  'BillingPeriodEnd',
  'BillingPeriodStart',
  'ChargeCategory',
  'ChargeClass',
  'ChargeDescription',
  'ChargePeriodEnd',
  'ChargePeriodStart',
  'ContractedCost',
  'EffectiveCost',
  'InvoiceIssuerName',
  'ListCost',
  'PricingQuantity',
  'PricingUnit',
  'ProviderName',
  'PublisherName',
  'ServiceCategory',
  'ServiceName',
] as const;

/** Conditional or Recommended in FOCUS 1.2, and meaningful for token usage. */
export const optionalColumns = [
  'ChargeFrequency',
  'ConsumedQuantity',
  'ConsumedUnit',
  'PricingCategory',
  'ServiceSubcategory',
  'SkuId',
  'SkuPriceId',
  'SubAccountId',
  'SubAccountName',
] as const;

export const extensionColumns = [
  'x_Lane',
  'x_Workload',
  'x_Team',
  'x_Model',
  'x_RealtimeEquivalentCost',
  'x_Requests',
  'x_RequestCountUnknown',
  'x_InputTokens',
  'x_CachedInputTokens',
  'x_CacheWriteInputTokens',
  'x_OutputTokens',
  'x_Sources',
] as const;

export const focusColumns = [...mandatoryColumns, ...optionalColumns, ...extensionColumns] as const;

export type FocusColumn = (typeof focusColumns)[number];

export type FocusRow = Record<FocusColumn, string>;

/** Values FOCUS 1.2 allows in the columns this export fills with constants. */
export const allowedValues = {
  ChargeCategory: ['Usage', 'Purchase', 'Tax', 'Credit', 'Adjustment'],
  ChargeClass: ['', 'Correction'],
  ChargeFrequency: ['One-Time', 'Recurring', 'Usage-Based'],
  PricingCategory: ['Standard', 'Dynamic', 'Committed', 'Other'],
  ServiceCategory: [
    'AI and Machine Learning',
    'Analytics',
    'Business Applications',
    'Compute',
    'Databases',
    'Developer Tools',
    'Multicloud',
    'Identity',
    'Integration',
    'Internet of Things',
    'Management and Governance',
    'Media',
    'Migration',
    'Mobile',
    'Networking',
    'Security',
    'Storage',
    'Web',
    'Other',
  ],
  ServiceSubcategory: [
    'AI Platforms',
    'Bots',
    'Generative AI',
    'Machine Learning',
    'Natural Language Processing',
    'Other (AI and Machine Learning)',
  ],
} as const;
