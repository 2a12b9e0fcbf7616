import { describe, expect, it } from 'vitest';
import { createTokenStore } from '../../src/core/credentials/tokenStore';
import { FAILPOINT_CLI_SCRIPT, addCursorThroughCli, runCli, withCliHome } from '../helpers/cli';
import { DEMO } from '../../support/companion';
import { expectConsistent, snapshot } from '../helpers/consistency';
import { expectNoSecretsUnder } from '../helpers/noSecrets';

/** Where remove can be cut short, in order, and what each step had done when the power went. */
const REMOVE_STEPS = [
  { failpoint: 'remove:after-config', revoked: false, tokens: true },
  { failpoint: 'remove:after-revoke', revoked: true, tokens: true },
  { failpoint: 'remove:after-tokens', revoked: true, tokens: false },
] as const;

describe('kill -9 during `splattr-companion remove`, then the next start', () => {
  const cli = withCliHome('splattr-crash-remove-');
  const secrets: string[] = [];
  const keychain = createTokenStore();

  /** A finished `add cursor --no-open`; returns the new connection's id and client id. */
  async function addConnection(): Promise<{ id: string; clientId: string }> {
    const { browser, env, seen } = cli();
    const added = await addCursorThroughCli(browser, env);
    expect(added.stdout).toContain(`Connected Cursor as ${DEMO.email} · Acme.`);
    expect(added.code).toBe(0);
    const [record] = (await snapshot(env, seen)).records;
    seen.add(record!.id);
    const tokens = await keychain.get(record!.id);
    secrets.push(tokens!.accessToken, tokens!.refreshToken!);
    expect(await expectConsistent(env, seen)).toEqual([record!.id]);
    return { id: record!.id, clientId: record!.registration.clientId };
  }

  const grantedClients = async () =>
    (await cli().sandbox.controls.listGrants(DEMO.email)).map((g) => g.clientId);

  it.each(REMOVE_STEPS)(
    'killed at $failpoint: the next start completes the removal',
    async ({ failpoint, revoked, tokens }) => {
      const { env, seen } = cli();
      const { id, clientId } = await addConnection();
      expect(await grantedClients()).toContain(clientId);

      const killed = await runCli(
        ['remove', id, '--yes'],
        { ...env, SPLATTR_FAILPOINT: failpoint },
        FAILPOINT_CLI_SCRIPT,
      ).done;
      expect(killed.signal).toBe('SIGKILL');

      // What the kill left: the record marked as being removed, its entry already gone.
      const left = await snapshot(env, seen);
      expect(left.records.map((r) => [r.id, r.state])).toEqual([[id, 'removing']]);
      expect(left.entries.cursor).toBeUndefined();
      expect(left.withTokens).toEqual(tokens ? [id] : []);
      expect((await grantedClients()).includes(clientId)).toBe(!revoked);

      // The next start finishes it: nothing left anywhere, the grant ended at Splattr.
      const listed = await runCli(['list', '--json'], env).done;
      expect(listed.code).toBe(0);
      expect(JSON.parse(listed.stdout)).toEqual([]);
      expect(await expectConsistent(env, seen)).toEqual([]);
      expect(await grantedClients()).not.toContain(clientId);
    },
  );

  it('after all that, the client can be added again and works', async () => {
    const { env, home } = cli();
    const { id } = await addConnection();
    const tested = await runCli(['test', id], env).done;
    expect(tested.stdout).toMatch(/Splattr answered with \d+ tools/);
    expect(tested.code).toBe(0);
    await expectNoSecretsUnder([home], secrets);
  });
});
