/**
 * The gateway's records: gateway keys per team, stored as SHA-256 hashes (the key itself is
 * shown once, at creation, and never stored), and two ledger columns the gateway fills: the
 * request id its log line and answer carry, and the urgency the policy gave (missed savings are
 * the realtime rows whose urgency was `deferrable`).
 */
export const gatewayMigration = {
  version: 2,
  name: 'gateway',
  statements: [
    `CREATE TABLE gateway_keys (
      id TEXT PRIMARY KEY,
      team TEXT NOT NULL,
      key_hash TEXT NOT NULL UNIQUE,
      key_hint TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      revoked_at BIGINT
    )`,
    'CREATE INDEX gateway_keys_by_team ON gateway_keys (team)',
    'ALTER TABLE ledger ADD COLUMN request_id TEXT',
    'ALTER TABLE ledger ADD COLUMN urgency TEXT',
  ],
};
