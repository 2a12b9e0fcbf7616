import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import keytar from 'keytar';
import { describe, expect, it } from 'vitest';
import { createTokenStore } from '../../../src/core/credentials/tokenStore';
import { KEYCHAIN_SERVICE } from '../../../src/shared/server';
import { completeSignIn } from '../../helpers/browser';
import { runCli, withCliHome } from '../../helpers/cli';
import { DEMO } from '../../../support/companion';
import { expectNoSecretsUnder } from '../../helpers/noSecrets';

const SECRET_SERVICE = `${KEYCHAIN_SERVICE}.client-secret`;

describe('the CLI with a pre-registered client, against a server that shares no account', () => {
  const cli = withCliHome(
    'splattr-cli-prereg-',
    {},
    {
      preRegistered: 'client_secret_post',
      identity: false,
    },
  );

  it('adds with --client-id and the secret from the environment, kept in the keychain only', async () => {
    const { sandbox, browser, env, home, dataDir, seen } = cli();
    const given = sandbox.preRegistered;
    if (!given?.clientSecret) throw new Error('the sandbox has no confidential client');
    const withSecret = { ...env, SPLATTR_CLIENT_SECRET: given.clientSecret };

    const add = runCli(['add', 'cursor', '--no-open', '--client-id', given.clientId], withSecret);
    const url = await add.waitForLine(/^http:\/\/127\.0\.0\.1:\d+\/.*[?&]code_challenge=/);
    expect(new URL(url).searchParams.get('client_id')).toBe(given.clientId);
    await completeSignIn(browser, url, { ...DEMO, consent: 'allow' });
    const added = await add.done;
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toContain(
      'Connected Cursor. The Splattr server did not share which account signed in.',
    );

    const listed = JSON.parse((await runCli(['list', '--json'], env).done).stdout) as Array<{
      id: string;
      account: unknown;
    }>;
    expect(listed).toHaveLength(1);
    const id = listed[0]!.id;
    seen.add(id);
    expect(listed[0]!.account).toEqual({});
    expect((await runCli(['list'], env).done).stdout).toContain('account not shared by the server');

    // The secret is in the keychain under the connection, and in no file of the person's.
    expect(JSON.parse((await keytar.getPassword(SECRET_SERVICE, id)) ?? '{}')).toEqual({
      clientSecret: given.clientSecret,
    });
    await expectNoSecretsUnder([home], [given.clientSecret]);
    const registry = await readFile(path.join(dataDir, 'registry.json'), 'utf8');
    expect(JSON.parse(registry).connections[id].registration).toMatchObject({
      clientId: given.clientId,
      kind: 'preregistered',
      tokenEndpointAuthMethod: 'client_secret_post',
      issuer: sandbox.issuer,
    });

    // The bridge, started as the client would, uses the connection without an account.
    const tested = await runCli(['test', 'cursor'], env).done;
    expect(tested.code).toBe(0);

    // Expired tokens: the bridge refreshes, authenticating with the secret from the keychain.
    const tokens = createTokenStore();
    const stored = await tokens.get(id);
    if (!stored) throw new Error('no tokens were stored');
    await tokens.set(id, { ...stored, expiresAt: Date.now() - 1_000 });
    sandbox.controls.resetTokenRequests();
    const refreshed = await runCli(['test', 'cursor'], env).done;
    expect(refreshed.code).toBe(0);
    expect(sandbox.controls.tokenRequests()).toEqual({ refresh_token: 1 });
    expect((await tokens.get(id))?.accessToken).not.toBe(stored.accessToken);

    const grantsOf = async () =>
      (await sandbox.controls.listGrants(DEMO.email)).map((grant) => grant.clientId);
    expect(await grantsOf()).toContain(given.clientId);
    const removed = await runCli(['remove', id, '--yes'], env).done;
    expect(removed.code).toBe(0);
    expect(await keytar.getPassword(SECRET_SERVICE, id)).toBeNull();
    // Revoked at Splattr: the revocation authenticated with the secret from the keychain.
    expect(await grantsOf()).not.toContain(given.clientId);
  });

  it('refuses a plain-http address of another computer before any request, changing nothing', async () => {
    const { env, home } = cli();
    const before = await stat(path.join(home, '.cursor', 'mcp.json')).catch(() => undefined);
    const { code, stdout, stderr } = await runCli(
      ['add', 'cursor', '--no-open', '--server', 'http://mcp.splattr.example/mcp'],
      env,
    ).done;
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('must start with https://');
    const after = await stat(path.join(home, '.cursor', 'mcp.json')).catch(() => undefined);
    expect(after?.mtimeMs).toBe(before?.mtimeMs);
    expect(JSON.parse((await runCli(['list', '--json'], env).done).stdout)).toEqual([]);
  });
});
