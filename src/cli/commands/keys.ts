import type { Command } from 'commander';

export interface KeyFlags {
  database?: string;
  team?: string;
  json?: boolean;
}

const databaseOption = [
  '--database <url>',
  'postgres://… or a SQLite file (default: $SPENDWALL_HOME/spendwall.db)',
] as const;

/** `spendwall keys create|list|revoke`: gateway keys per team, stored hashed. */
export function registerKeysCommand(program: Command): void {
  const keys = program
    .command('keys')
    .description('Gateway keys per team (stored as SHA-256 hashes; a key is shown once, when created).');

  keys
    .command('create')
    .description('Create a key for a team and print it once.')
    .requiredOption('--team <team>', 'the team the key belongs to (it sees only its own records)')
    .option(...databaseOption)
    .action(async (flags: KeyFlags) => {
      const { createKeyCommand } = await import('./keys-action.js');
      await createKeyCommand(flags);
    });

  keys
    .command('list')
    .description('List keys (ids, teams, hints; never the keys).')
    .option('--team <team>', 'only this team')
    .option('--json', 'print as JSON')
    .option(...databaseOption)
    .action(async (flags: KeyFlags) => {
      const { listKeysCommand } = await import('./keys-action.js');
      await listKeysCommand(flags);
    });

  keys
    .command('revoke')
    .description('Revoke a key by id; a running gateway refuses it within 10 seconds.')
    .argument('<id>', 'the key id (key_…), as `keys list` shows it')
    .option(...databaseOption)
    .action(async (id: string, flags: KeyFlags) => {
      const { revokeKeyCommand } = await import('./keys-action.js');
      await revokeKeyCommand(id, flags);
    });
}
