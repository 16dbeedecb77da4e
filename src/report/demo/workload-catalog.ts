import type { Verdict } from '../finder/evidence.js';
import type { ArrivalPattern } from './arrivals.js';

/** How the source labels a workload's rows: the finder must group them back together. */
export type DemoLabel =
  | { by: 'workload' }
  | { by: 'tag' }
  | { by: 'project'; value: string }
  | { by: 'service'; value: string }
  | { by: 'api-key'; value: string }
  | { by: 'user-agent'; value: string }
  | { by: 'none' };

/** One workload of the demo history, with the truth the finder is graded against. */
export interface DemoWorkload {
  name: string;
  /** What the workload really is: `unknown` marks ones built to be ambiguous (thin or mixed). */
  truth: Verdict;
  why: string;
  label: DemoLabel;
  team: string;
  provider: 'openai' | 'anthropic';
  /** One or more models; each request picks one at random. */
  models: readonly string[];
  endpoint: string;
  arrival: ArrivalPattern;
  tokens: { input: number; output: number; cachedShare?: number };
  /** Probability a request streams; `null` when the source does not record streaming. */
  stream: number | null;
  session: number;
  endUser: number;
  latency: { baseMs: number; perOutputTokenMs: number };
  /** Shares already running in the batch and flex lanes (the rest is realtime). */
  lanes?: { batch?: number; flex?: number };
  /** Of batch-lane requests, the share re-run on realtime because their deadline came. */
  fallbackShare?: number;
  failedShare?: number;
}

const chat = '/v1/chat/completions';
const workingDay = (perWeekday: number, fromHour = 8, toHour = 18, weekendShare = 0.12) =>
  ({ kind: 'working-day', perWeekday, weekendShare, fromHour, toHour }) as const;
const fast = { baseMs: 400, perOutputTokenMs: 12 };
const reasoning = { baseMs: 6_000, perOutputTokenMs: 35 };

/** 25 workloads: interactive, batchable, flex-able, ambiguous ones and noise. */
export const demoWorkloads: readonly DemoWorkload[] = [
  // People waiting.
  {
    name: 'support-chat',
    truth: 'interactive',
    why: 'customers chat with support, answers streamed',
    label: { by: 'workload' },
    team: 'support',
    provider: 'openai',
    models: ['gpt-4o-mini'],
    endpoint: chat,
    arrival: workingDay(900),
    tokens: { input: 1800, output: 250, cachedShare: 0.5 },
    stream: 0.95,
    session: 1,
    endUser: 0.9,
    latency: fast,
  },
  {
    name: 'sales-copilot',
    truth: 'interactive',
    why: 'sales reps draft replies in a side panel',
    label: { by: 'workload' },
    team: 'sales',
    provider: 'anthropic',
    models: ['claude-sonnet-4-5'],
    endpoint: '/v1/messages',
    arrival: workingDay(250),
    tokens: { input: 3000, output: 400 },
    stream: 1,
    session: 0.9,
    endUser: 0,
    latency: fast,
  },
  {
    name: 'ide-assistant',
    truth: 'interactive',
    why: 'developers ask for code in their editor, worldwide',
    label: { by: 'tag' },
    team: 'devex',
    provider: 'openai',
    models: ['gpt-4.1'],
    endpoint: chat,
    arrival: { kind: 'global', perDay: 400 },
    tokens: { input: 2500, output: 300, cachedShare: 0.3 },
    stream: 0.9,
    session: 0,
    endUser: 1,
    latency: fast,
  },
  {
    name: 'docs-answers',
    truth: 'interactive',
    why: 'the help centre answers questions',
    label: { by: 'workload' },
    team: 'support',
    provider: 'openai',
    models: ['gpt-4o-mini'],
    endpoint: chat,
    arrival: { kind: 'global', perDay: 300 },
    tokens: { input: 1200, output: 200 },
    stream: 0.7,
    session: 0.4,
    endUser: 0.6,
    latency: fast,
  },
  {
    name: 'voice-agent',
    truth: 'interactive',
    why: 'phone calls answered by a voice agent',
    label: { by: 'workload' },
    team: 'support',
    provider: 'openai',
    models: ['gpt-4o'],
    endpoint: chat,
    arrival: { kind: 'global', perDay: 150 },
    tokens: { input: 900, output: 80 },
    stream: 1,
    session: 1,
    endUser: 0,
    latency: fast,
  },
  {
    name: 'intranet-summarize',
    truth: 'interactive',
    why: 'a "summarize" button on the intranet: not streamed, no ids, but people click it at work',
    label: { by: 'project', value: 'intranet' },
    team: 'it',
    provider: 'openai',
    models: ['gpt-4.1-mini'],
    endpoint: chat,
    arrival: workingDay(120, 9, 17, 0.04),
    tokens: { input: 4000, output: 300 },
    stream: 0,
    session: 0,
    endUser: 0,
    latency: { baseMs: 900, perOutputTokenMs: 10 },
  },

  // Pipelines: nobody waits for a day.
  {
    name: 'nightly-ticket-classify',
    truth: 'batchable',
    why: 'classifies yesterday’s tickets at 02:00',
    label: { by: 'workload' },
    team: 'support',
    provider: 'openai',
    models: ['gpt-4o-mini'],
    endpoint: chat,
    arrival: { kind: 'daily', hour: 2, minute: 0, count: 2500, minutes: 35 },
    tokens: { input: 700, output: 12 },
    stream: 0,
    session: 0,
    endUser: 0,
    latency: fast,
    lanes: { batch: 0.4 },
    fallbackShare: 0.03,
  },
  {
    name: 'eval-suite',
    truth: 'batchable',
    why: 'regression evals every 6 hours',
    label: { by: 'workload' },
    team: 'ml',
    provider: 'openai',
    models: ['gpt-4.1'],
    endpoint: chat,
    arrival: { kind: 'interval', everyHours: 6, offsetHour: 1, count: 400, minutes: 20 },
    tokens: { input: 2200, output: 350 },
    stream: 0,
    session: 0,
    endUser: 0,
    latency: fast,
    lanes: { batch: 0.2 },
  },
  {
    name: 'embeddings-backfill',
    truth: 'batchable',
    why: 'a re-embedding backfill run on three afternoons',
    label: { by: 'workload' },
    team: 'search',
    provider: 'openai',
    models: ['text-embedding-3-small'],
    endpoint: '/v1/embeddings',
    arrival: { kind: 'one-off', days: [5, 6, 19], hour: 13, count: 12000, minutes: 90 },
    tokens: { input: 600, output: 0 },
    stream: 0,
    session: 0,
    endUser: 0,
    latency: { baseMs: 150, perOutputTokenMs: 0 },
  },
  {
    name: 'weekly-digest',
    truth: 'batchable',
    why: 'Monday-morning digest e-mails',
    label: { by: 'tag' },
    team: 'growth',
    provider: 'anthropic',
    models: ['claude-haiku-4-5'],
    endpoint: '/v1/messages',
    arrival: { kind: 'daily', hour: 6, minute: 0, count: 800, minutes: 40, weekdays: [1] },
    tokens: { input: 3500, output: 500 },
    stream: 0,
    session: 0,
    endUser: 0,
    latency: fast,
  },
  {
    name: 'catalog-enrichment',
    truth: 'batchable',
    why: 'nightly product descriptions, labelled only by project',
    label: { by: 'project', value: 'catalog' },
    team: 'commerce',
    provider: 'openai',
    models: ['gpt-5-mini'],
    endpoint: chat,
    arrival: { kind: 'daily', hour: 1, minute: 0, count: 1500, minutes: 50 },
    tokens: { input: 1500, output: 700 },
    stream: 0,
    session: 0,
    endUser: 0,
    latency: reasoning,
  },
  {
    name: 'moderation-backfill',
    truth: 'batchable',
    why: 'weekly moderation sweeps, labelled only by API key',
    label: { by: 'api-key', value: 'key-7f3a' },
    team: 'trust',
    provider: 'openai',
    models: ['gpt-4o-mini'],
    endpoint: chat,
    arrival: { kind: 'one-off', days: [3, 10, 17, 24], hour: 15, count: 3000, minutes: 60 },
    tokens: { input: 500, output: 10 },
    stream: 0,
    session: 0,
    endUser: 0,
    latency: fast,
  },
  {
    name: 'docs-embeddings-sync',
    truth: 'batchable',
    why: 're-indexes changed docs every 4 hours (OpenTelemetry service name)',
    label: { by: 'service', value: 'docs-indexer' },
    team: 'search',
    provider: 'openai',
    models: ['text-embedding-3-large'],
    endpoint: '/v1/embeddings',
    arrival: { kind: 'interval', everyHours: 4, offsetHour: 0, count: 600, minutes: 15 },
    tokens: { input: 900, output: 0 },
    stream: 0,
    session: 0,
    endUser: 0,
    latency: { baseMs: 200, perOutputTokenMs: 0 },
  },
  {
    name: 'review-sentiment',
    truth: 'batchable',
    why: 'a cron job scores reviews at 03:30, known only by its user agent',
    label: { by: 'user-agent', value: 'sentiment-cron/1.4.2' },
    team: 'commerce',
    provider: 'anthropic',
    models: ['claude-3-5-haiku'],
    endpoint: '/v1/messages',
    arrival: { kind: 'daily', hour: 3, minute: 30, count: 900, minutes: 30 },
    tokens: { input: 800, output: 40 },
    stream: 0,
    session: 0,
    endUser: 0,
    latency: fast,
  },
  {
    name: 'translation-jobs',
    truth: 'batchable',
    why: 'translates new help articles twice a day',
    label: { by: 'workload' },
    team: 'support',
    provider: 'openai',
    models: ['gpt-4.1-mini'],
    endpoint: chat,
    arrival: { kind: 'interval', everyHours: 12, offsetHour: 5, count: 700, minutes: 25 },
    tokens: { input: 2000, output: 1800 },
    stream: 0,
    session: 0,
    endUser: 0,
    latency: fast,
  },

  // Minutes matter, seconds do not.
  {
    name: 'ticket-triage',
    truth: 'flex-able',
    why: 'routes each new ticket to a queue within minutes',
    label: { by: 'workload' },
    team: 'support',
    provider: 'openai',
    models: ['gpt-5-mini'],
    endpoint: chat,
    arrival: { kind: 'continuous', perHour: 60 },
    tokens: { input: 1200, output: 600 },
    stream: 0,
    session: 0,
    endUser: 0,
    latency: reasoning,
    lanes: { flex: 0.2 },
  },
  {
    name: 'lead-scoring',
    truth: 'flex-able',
    why: 'scores sign-ups from a queue',
    label: { by: 'workload' },
    team: 'growth',
    provider: 'openai',
    models: ['gpt-5-nano'],
    endpoint: chat,
    arrival: { kind: 'continuous', perHour: 25 },
    tokens: { input: 900, output: 400 },
    stream: 0,
    session: 0,
    endUser: 0,
    latency: reasoning,
  },
  {
    name: 'invoice-extraction',
    truth: 'flex-able',
    why: 'extracts fields from uploaded invoices, results e-mailed',
    label: { by: 'tag' },
    team: 'finance',
    provider: 'openai',
    models: ['o4-mini'],
    endpoint: chat,
    arrival: { kind: 'continuous', perHour: 35 },
    tokens: { input: 2500, output: 800 },
    stream: 0,
    session: 0,
    endUser: 0,
    latency: reasoning,
  },

  // Built to be ambiguous: the finder must not recommend them.
  {
    name: 'agent-tools',
    truth: 'unknown',
    why: 'an agent framework: some calls streamed to a person, most tool calls not',
    label: { by: 'workload' },
    team: 'platform',
    provider: 'openai',
    models: ['gpt-4o'],
    endpoint: chat,
    arrival: { kind: 'global', perDay: 200 },
    tokens: { input: 3000, output: 150 },
    stream: 0.12,
    session: 0.1,
    endUser: 0,
    latency: fast,
  },
  {
    name: 'partner-api',
    truth: 'unknown',
    why: 'a partner integration calls synchronously around the clock, answered in a second',
    label: { by: 'workload' },
    team: 'platform',
    provider: 'openai',
    models: ['gpt-4.1-mini'],
    endpoint: chat,
    arrival: { kind: 'continuous', perHour: 40 },
    tokens: { input: 600, output: 60 },
    stream: 0,
    session: 0,
    endUser: 0,
    latency: { baseMs: 500, perOutputTokenMs: 8 },
  },
  {
    name: 'adhoc-notebook',
    truth: 'unknown',
    why: 'an analyst’s notebook: a few dozen requests',
    label: { by: 'workload' },
    team: 'ml',
    provider: 'openai',
    models: ['gpt-5'],
    endpoint: chat,
    arrival: { kind: 'sporadic', perDay: 1.2 },
    tokens: { input: 5000, output: 900 },
    stream: 0,
    session: 0,
    endUser: 0,
    latency: reasoning,
  },
  {
    name: 'legacy-export',
    truth: 'unknown',
    why: 'an old exporter whose logs record neither streaming nor latency',
    label: { by: 'workload' },
    team: 'data',
    provider: 'openai',
    models: ['gpt-4o'],
    endpoint: chat,
    arrival: { kind: 'daily', hour: 4, minute: 0, count: 300, minutes: 30 },
    tokens: { input: 1500, output: 200 },
    stream: null,
    session: 0,
    endUser: 0,
    latency: fast,
  },
  {
    name: 'morning-briefing',
    truth: 'unknown',
    why: 'runs at 05:00 but streams its answers to a dashboard someone may watch',
    label: { by: 'workload' },
    team: 'exec',
    provider: 'openai',
    models: ['gpt-4.1'],
    endpoint: chat,
    arrival: { kind: 'daily', hour: 5, minute: 0, count: 400, minutes: 20 },
    tokens: { input: 2500, output: 600 },
    stream: 1,
    session: 0,
    endUser: 0,
    latency: fast,
  },
  {
    name: 'healthcheck',
    truth: 'unknown',
    why: 'a liveness probe every 5 minutes',
    label: { by: 'user-agent', value: 'kube-probe/1.29' },
    team: 'platform',
    provider: 'openai',
    models: ['gpt-4.1-nano'],
    endpoint: chat,
    arrival: { kind: 'every', everyMinutes: 5 },
    tokens: { input: 20, output: 2 },
    stream: 0,
    session: 0,
    endUser: 0,
    latency: { baseMs: 250, perOutputTokenMs: 5 },
  },

  // Noise: unlabeled odds and ends, including a fine-tuned model the catalog cannot price.
  {
    name: '(unlabeled)',
    truth: 'unknown',
    why: 'unlabeled one-off calls from scripts, some on a fine-tuned model',
    label: { by: 'none' },
    team: '',
    provider: 'openai',
    models: ['gpt-4o-mini', 'gpt-4o', 'ft:gpt-4o-mini-2024-07-18:acme::9xk2', 'gpt-5-nano'],
    endpoint: chat,
    arrival: { kind: 'sporadic', perDay: 12 },
    tokens: { input: 1000, output: 200 },
    stream: 0.3,
    session: 0,
    endUser: 0,
    latency: fast,
    failedShare: 0.05,
  },
];

/** The name the report shows for a workload, given how its rows are labelled. */
export function reportedName(workload: DemoWorkload): string {
  switch (workload.label.by) {
    case 'workload':
    case 'tag':
      return workload.name;
    case 'project':
      return `project:${workload.label.value}`;
    case 'service':
      return `service:${workload.label.value}`;
    case 'api-key':
      return `key:${workload.label.value}`;
    case 'user-agent':
      return `agent:${workload.label.value.split('/')[0]}`;
    case 'none':
      return '(unlabeled)';
  }
}
