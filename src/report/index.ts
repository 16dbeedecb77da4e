/**
 * The spend review: ledger views, the batch-candidate finder, what-if replay and the reports,
 * all over `UsageRecord`s from any importer. See docs/report.md.
 */
export { type Analysis, type AnalyzeOptions, analyzeUsage, isMove, type WorkloadFinding } from './analyze.js';
export { generateHistory, type HistoryOptions, type HistoryTruth } from './demo/generate-history.js';
export { demoWorkloads } from './demo/workload-catalog.js';
export { type ClassifyContext, thresholds } from './finder/classify.js';
export { projectionDays, type SavingEstimate } from './finder/estimate.js';
export type { Evidence, PolicyLabel, Reading, Signal, Verdict } from './finder/evidence.js';
export { renderHtml } from './render/html.js';
export { renderJson } from './render/json.js';
export { renderMarkdown } from './render/markdown.js';
export { renderTerminal } from './render/terminal.js';
export { type OpenedSources, openSources, type SourceOptions } from './sources.js';
export type { ImportIssue, UsageOrigin, UsageRecord } from './usage-record.js';
export type { SpendRow } from './views/spend-by-day.js';
export { laneDelays } from './what-if/lane-delays.js';
export type { Router, WhatIfResult, WhatIfWorkload } from './what-if/replay.js';
export { workloadKeyOf, workloadKeyPrecedence } from './workload-key.js';
export { reportFileNames, writeReport } from './write-report.js';
