/**
 * Spendwall as a library: the batch lane's engine in process, the provider adapters, the store,
 * the price catalog and the emulator.
 */

export type { EngineSettings, RunJobOptions } from './batch/job-options.js';
export type { JobProgress } from './batch/progress.js';
export { driveJob, type EngineDependencies, type JobSummary, openJob, runJob } from './batch/run-job.js';
export { ConfigError, SpendwallError } from './core/errors.js';
export { createEmulator, type Emulator, type EmulatorOptions } from './emulator/index.js';
export type { LaneAnswer, LaneCallOptions } from './gateway/lane-client.js';
export { createGateway, type Gateway, type GatewayOptions } from './gateway/server.js';
export {
  createSpendwall,
  type JobHandle,
  type JobResult,
  type Spendwall,
  type SpendwallOptions,
} from './library.js';
export {
  defaultPolicy,
  loadPolicy,
  type Policy,
  PolicyError,
  parsePolicy,
  type RouteDecision,
  type RouteInput,
  routeRequest,
} from './policy/index.js';
export { createPriceBook, formatUsd, priceFor } from './prices/index.js';
export { createProvider, ProviderError, settingsFromEnvironment } from './providers/index.js';
export type { ProviderAdapterV1, ProviderName, ProviderSettings } from './providers/provider.js';
export { openStore, type Store } from './store/open-store.js';
