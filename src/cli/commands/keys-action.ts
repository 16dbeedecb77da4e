import { SpendwallError } from '../../core/errors.js';
import { createKey, listKeys, revokeKey } from '../../gateway/key-store.js';
import { openStore, type Store } from '../../store/open-store.js';
import type { KeyFlags } from './keys.js';

/* `spendwall keys create | list | revoke`: loaded only when one of them runs (see keys.ts). */

async function withStore<Result>(flags: KeyFlags, work: (store: Store) => Promise<Result>): Promise<Result> {
  const store = await openStore({ databaseUrl: flags.database });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

export async function createKeyCommand(flags: KeyFlags): Promise<void> {
  await withStore(flags, async (store) => {
    const { key, record } = await createKey(store.driver, flags.team!);
    console.log(key);
    console.error(
      `key ${record.id} for team ${record.team} created; it is shown only this once. ` +
        'Clients send it as Authorization: Bearer (OpenAI SDKs) or x-api-key (Anthropic SDKs).',
    );
  });
}

export async function listKeysCommand(flags: KeyFlags): Promise<void> {
  await withStore(flags, async (store) => {
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
  });
}

export async function revokeKeyCommand(id: string, flags: KeyFlags): Promise<void> {
  await withStore(flags, async (store) => {
    if (!(await revokeKey(store.driver, id))) {
      throw new SpendwallError(`no active key has the id '${id}'`, {
        code: 'unknown_key',
        place: 'keys revoke',
      });
    }
    console.log(`key ${id} revoked`);
  });
}
