import type { Command } from 'commander';
import { SpendwallError } from '../../core/errors.js';
import { createKey, listKeys, revokeKey } from '../../gateway/key-store.js';
import { openStore, type Store } from '../../store/open-store.js';

interface KeyFlags {
  database?: string;
  team?: string;
  json?: boolean;
}

const databaseOption = [
  '--database <url>',
  'postgres://… or a SQLite file (default: $SPENDWALL_HOME/spendwall.db)',
] as const;

async function withStore<Result>(flags: KeyFlags, work: (store: Store) => Promise<Result>): Promise<Result> {
  const store = await openStore({ databaseUrl: flags.database });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

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
    .action((flags: KeyFlags) =>
      withStore(flags, async (store) => {
        const { key, record } = await createKey(store.driver, flags.team!);
        console.log(key);
        console.error(
          `key ${record.id} for team ${record.team} created; it is shown only this once. ` +
            'Clients send it as Authorization: Bearer (OpenAI SDKs) or x-api-key (Anthropic SDKs).',
        );
      }),
    );

  keys
    .command('list')
    .description('List keys (ids, teams, hints; never the keys).')
    .option('--team <team>', 'only this team')
    .option('--json', 'print as JSON')
    .option(...databaseOption)
    .action((flags: KeyFlags) =>
      withStore(flags, async (store) => {
        const records = await listKeys(store.driver, flags.team);
        if (flags.json) {
          console.log(JSON.stringify(records, null, 2));
          return;
        }
        if (records.length === 0) {
          console.log('no gateway keys yet; create one with `spendwall keys create --team TEAM`');
          return;
        }
        for (const record of records) {
          const state =
            record.revokedAt === null ? 'active' : `revoked ${new Date(record.revokedAt).toISOString()}`;
          console.log(
            `${record.id}  ${record.team.padEnd(20)}  ${record.hint}  created ${new Date(record.createdAt).toISOString()}  ${state}`,
          );
        }
      }),
    );

  keys
    .command('revoke')
    .description('Revoke a key by id; a running gateway refuses it within 10 seconds.')
    .argument('<id>', 'the key id (key_…), as `keys list` shows it')
    .option(...databaseOption)
    .action((id: string, flags: KeyFlags) =>
      withStore(flags, async (store) => {
        if (!(await revokeKey(store.driver, id))) {
          throw new SpendwallError(`no active key has the id '${id}'`, {
            code: 'unknown_key',
            place: 'keys revoke',
          });
        }
        console.log(`key ${id} revoked`);
      }),
    );
}
