import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import keytar from 'keytar';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KEYCHAIN_SERVICE } from '../../../src/shared/server';
import { createTokenStore, type KeychainBackend } from '../../../src/core/credentials/tokenStore';
import { TokenSetSchema, type TokenSet } from '../../../src/core/oauth/types';
import { buildRefreshWorker, startWorker } from '../../fixtures/workerProcess';
import { expectNoSecretsUnder } from '../../helpers/noSecrets';
import { companionError } from '../../helpers/companionError';

const secret = () => randomBytes(32).toString('base64url');
const tokensFor = (): TokenSet => ({
  accessToken: secret(),
  refreshToken: secret(),
  expiresAt: Date.now() + 3_600_000,
  scope: 'openid email profile',
});

const created: string[] = [];
const newId = () => {
  const id = `test-${randomUUID()}`;
  created.push(id);
  return id;
};

afterEach(async () => {
  for (const id of created.splice(0)) await keytar.deletePassword(KEYCHAIN_SERVICE, id);
});

describe('token store on the real keyring', () => {
  it('keeps tokens under the splattr-companion service, one entry per connection', async () => {
    const store = createTokenStore();
    const [a, b] = [newId(), newId()];
    const [tokensA, tokensB] = [tokensFor(), tokensFor()];
    await store.set(a, tokensA);
    await store.set(b, tokensB);

    expect(await store.get(a)).toEqual(tokensA);
    expect(await store.get(b)).toEqual(tokensB);
    // What another program using the keychain sees: one JSON entry per connection id.
    const accounts = (await keytar.findCredentials(KEYCHAIN_SERVICE)).map((c) => c.account);
    expect(accounts).toEqual(expect.arrayContaining([a, b]));
    expect(JSON.parse((await keytar.getPassword(KEYCHAIN_SERVICE, a)) ?? '')).toEqual(tokensA);

    expect(await store.delete(a)).toBe(true);
    expect(await store.get(a)).toBeUndefined();
    expect(await store.delete(a)).toBe(false);
    expect(await store.get(b)).toEqual(tokensB);
  });

  it('gives back every field of a stored token set, so no field is dropped on the way', async () => {
    const id = newId();
    const every: Required<TokenSet> = {
      accessToken: secret(),
      refreshToken: secret(),
      expiresAt: Date.now() + 3_600_000,
      obtainedAt: Date.now(),
      scope: 'openid email profile',
    };
    // The schema is the one source of the shape: a field added there must be filled in here.
    expect(Object.keys(every).sort()).toEqual(Object.keys(TokenSetSchema.shape).sort());
    await createTokenStore().set(id, every);
    expect(await createTokenStore().get(id)).toEqual(every);
  });

  it('reads a damaged entry as no tokens, so the next sign-in replaces it', async () => {
    const id = newId();
    await keytar.setPassword(KEYCHAIN_SERVICE, id, '{"accessToken": 42}');
    expect(await createTokenStore().get(id)).toBeUndefined();
  });
});

describe('a locked or missing keychain', () => {
  const locked: KeychainBackend = {
    getPassword: () => Promise.reject(new Error('Cannot create an item in a locked collection')),
    setPassword: (_s, _a, password) =>
      Promise.reject(new Error(`Cannot create an item in a locked collection: ${password}`)),
    deletePassword: () => Promise.reject(new Error('locked')),
  };

  it('answers keychain_unavailable for every operation, with no secret in the message', async () => {
    const store = createTokenStore({ keychain: locked });
    const tokens = tokensFor();
    const attempts = [store.set('c1', tokens), store.get('c1'), store.delete('c1')];
    for (const attempt of attempts) {
      const error = await companionError(attempt);
      expect(error.code).toBe('keychain_unavailable');
      expect(error.message).toMatch(/keychain is locked or unavailable/);
      expect(error.message).not.toContain(tokens.accessToken);
      expect(error.message).not.toContain(tokens.refreshToken);
    }
  });

  describe('in a process with no Secret Service at all', () => {
    let worker: string;
    let home: string;
    beforeAll(async () => {
      worker = await buildRefreshWorker();
    });
    afterEach(async () => {
      await rm(home, { recursive: true, force: true });
    });

    it('refuses to store, and writes the tokens nowhere', async () => {
      home = await mkdtemp(path.join(os.tmpdir(), 'splattr-nokeychain-'));
      const id = newId();
      const tokens = tokensFor();
      const run = startWorker(worker, ['store', id], {
        PATH: process.env.PATH,
        HOME: home,
        SPLATTR_COMPANION_HOME: path.join(home, 'data'),
        DBUS_SESSION_BUS_ADDRESS: `unix:path=${path.join(home, 'no-bus')}`,
      });
      run.child.stdin?.end(`${JSON.stringify(tokens)}\n`);

      expect(await run.nextLine()).toBe('error keychain_unavailable');
      expect(await run.exited).toBe(1);
      // Not in the real keychain, and no fallback file anywhere in the home.
      expect(await keytar.getPassword(KEYCHAIN_SERVICE, id)).toBeNull();
      expect(await readdir(home)).toEqual([]);
      await expectNoSecretsUnder([home], [tokens.accessToken, tokens.refreshToken]);
    });
  });
});
