import { describe, expect, it } from 'vitest';
import { createTokenStore } from '../../src/core/credentials/tokenStore';
import { FAILPOINT_CLI_SCRIPT, addCursorThroughCli, runCli, withCliHome } from '../helpers/cli';
import { DEMO } from '../../support/companion';
import { expectConsistent, snapshot } from '../helpers/consistency';
import { expectNoSecretsUnder } from '../helpers/noSecrets';

/** Where add can be cut short, in order, and what each step had done when the power went. */
const ADD_STEPS = [
  { failpoint: 'add:after-record', tokens: false, entry: false },
  { failpoint: 'add:after-tokens', tokens: true, entry: false },
  { failpoint: 'add:after-config', tokens: true, entry: true },
] as const;

describe('kill -9 during `splattr-companion add`, then the next start', () => {
  const cli = withCliHome('splattr-crash-add-');
  const secrets: string[] = [];
  const keychain = createTokenStore();

  async function rememberSecrets(id: string): Promise<void> {
    const tokens = await keychain.get(id);
    if (tokens) secrets.push(tokens.accessToken, tokens.refreshToken ?? '');
  }

  it.each(ADD_STEPS)(
    'killed at $failpoint: the next start rolls the add back completely',
    async ({ failpoint, tokens, entry }) => {
      const { sandbox, browser, env, seen } = cli();
      const killed = await addCursorThroughCli(
        browser,
        { ...env, SPLATTR_FAILPOINT: failpoint },
        FAILPOINT_CLI_SCRIPT,
      );
      expect(killed.signal).toBe('SIGKILL');
      expect(killed.stdout).not.toContain('Connected');

      // What the kill left: a record still marked as being added, and the steps before it.
      const left = await snapshot(env, seen);
      expect(left.records.map((r) => r.state)).toEqual(['adding']);
      const record = left.records[0]!;
      seen.add(record.id);
      await rememberSecrets(record.id);
      expect(left.withTokens).toEqual(tokens ? [record.id] : []);
      expect(left.entries.cursor).toBe(entry ? record.id : undefined);

      // The next start (any command) finishes the job: here, `list`.
      const listed = await runCli(['list', '--json'], env).done;
      expect(listed.code).toBe(0);
      expect(JSON.parse(listed.stdout)).toEqual([]);
      expect(await expectConsistent(env, seen)).toEqual([]);
      if (tokens) {
        // The tokens reached the keychain, so the rollback could also end the grant at Splattr.
        const grants = await sandbox.controls.listGrants(DEMO.email);
        expect(grants.map((g) => g.clientId)).not.toContain(record.registration.clientId);
      }
    },
  );

  it('after all that, adding again works and the connection answers', async () => {
    const { browser, env, home, seen } = cli();
    const added = await addCursorThroughCli(browser, env);
    expect(added.stderr).toBe('');
    expect(added.stdout).toContain(`Connected Cursor as ${DEMO.email} · Acme.`);
    expect(added.code).toBe(0);

    const [id] = await expectConsistent(env, seen);
    expect(id).toBeDefined();
    seen.add(id!);
    await rememberSecrets(id!);
    const tested = await runCli(['test', id!], env).done;
    expect(tested.stdout).toMatch(/Splattr answered with \d+ tools/);
    expect(tested.code).toBe(0);
    await expectNoSecretsUnder([home], secrets);
  });
});
