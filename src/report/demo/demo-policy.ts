/**
 * The proposed policy `spendwall demo` replays its history under: the batchable workloads the
 * finder is expected to find go to batch, the triage-like ones to flex, and everything else
 * (unlabeled included) stays interactive.
 */
export const demoPolicyYaml = `# A proposed policy for the demo history (written by \`spendwall demo\`).
version: 1
default:
  urgency: interactive
  workload: unlabeled
workloads:
  support-chat: { urgency: interactive }
  sales-copilot: { urgency: interactive }
  nightly-*: { urgency: deferrable, deadline: 12h, lane: batch }
  eval-suite: { urgency: deferrable, deadline: 24h }
  embeddings-backfill: { urgency: deferrable, deadline: 24h }
  weekly-digest: { urgency: deferrable, deadline: 24h }
  translation-jobs: { urgency: deferrable, deadline: 24h }
  ticket-triage: { urgency: deferrable, deadline: 15m }
  lead-scoring: { urgency: deferrable, deadline: 15m }
  invoice-extraction: { urgency: deferrable, deadline: 30m }
`;
