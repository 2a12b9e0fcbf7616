import { expect } from 'vitest';
import { getClient } from '../../src/core/clients';
import { createTokenStore } from '../../src/core/credentials/tokenStore';
import { dataDir } from '../../src/core/paths';
import { openRegistry } from '../../src/core/registry/registry';
import type { ConnectionRecord } from '../../src/core/registry/schema';
import { CLIENT_IDS } from '../../src/shared/clients';

export interface Snapshot {
  records: ConnectionRecord[];
  /** Connection id each client's `splattr` entry launches (ours only). */
  entries: Record<string, string | undefined>;
  /** Of the ids asked about, those with tokens in the keychain. */
  withTokens: string[];
}

/**
 * What the three places that know about connections hold in a HOME. The keychain is shared by
 * every test running at once, so it is asked only about the ids this test has seen.
 */
export async function snapshot(env: NodeJS.ProcessEnv, ids: Iterable<string>): Promise<Snapshot> {
  const records = openRegistry({ dataDir: dataDir(env) }).list();
  const entries: Snapshot['entries'] = {};
  for (const client of CLIENT_IDS) {
    const entry = await getClient(client).readEntry({ env });
    entries[client] = entry.kind === 'ours' ? entry.connectionId : undefined;
  }
  const store = createTokenStore();
  const known = new Set([...ids, ...records.map((r) => r.id)]);
  const withTokens: string[] = [];
  for (const id of known) if (await store.get(id)) withTokens.push(id);
  return { records, entries, withTokens };
}

/**
 * Registry, client configs and keychain agree: every record is finished (active) with its
 * client's entry and its tokens; no entry launches a connection without a record; no tokens
 * belong to a connection without one. Returns the active ids.
 */
export async function expectConsistent(
  env: NodeJS.ProcessEnv,
  ids: Iterable<string>,
): Promise<string[]> {
  const { records, entries, withTokens } = await snapshot(env, ids);
  expect(records.map((r) => r.state)).toEqual(records.map(() => 'active'));
  const active = records.map((r) => r.id).sort();
  expect(withTokens.sort(), 'keychain entries are exactly those of the records').toEqual(active);
  for (const record of records) {
    expect(entries[record.client], `${record.client} launches ${record.id}`).toBe(record.id);
  }
  for (const [client, id] of Object.entries(entries)) {
    if (id) expect(active, `${client}'s entry has a record`).toContain(id);
  }
  return active;
}
