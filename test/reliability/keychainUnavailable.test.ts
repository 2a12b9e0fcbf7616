import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTokenStore, type KeychainBackend } from '../../src/core/credentials/tokenStore';
import { createCompanionService } from '../../src/core/service';
import { startSandbox, type Sandbox } from '../../src/sandbox';
import { ERROR_MESSAGES } from '../../src/shared/errors';
import { completeSignIn, launchBrowser } from '../helpers/browser';
import { createBridgedConnection, type BridgedConnection } from '../helpers/bridgedConnection';
import { runCli } from '../helpers/cli';
import { BRIDGE_SCRIPT, DEMO } from '../../support/companion';
import { expectConsistent } from '../helpers/consistency';
import { expectNoSecretsUnder } from '../helpers/noSecrets';
import { createTestHome } from '../../support/testHome';
import { companionError } from '../helpers/companionError';

const KEYCHAIN_SENTENCE = ERROR_MESSAGES.keychain_unavailable;
/** A session bus that is not there: libsecret, and so keytar, cannot reach any keyring. */
const NO_KEYRING = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/splattr-test-bus' };

/**
 * A keychain that refuses to store and, like some real ones, quotes what it was given in its
 * error: it remembers every secret it was handed, so the test can look for them everywhere.
 * `readable`: it still answers reads (a write-protected keychain), so an add gets as far as
 * storing the tokens; otherwise it is locked for everything.
 */
function lockedKeychain(handed: string[], readable = false): KeychainBackend {
  const refuse = (what = '') => Promise.reject(new Error(`The collection is locked ${what}`));
  return {
    getPassword: () => (readable ? Promise.resolve(null) : refuse()),
    setPassword: (_service, _account, password) => {
      const tokens = JSON.parse(password) as { accessToken: string; refreshToken?: string };
      handed.push(tokens.accessToken, tokens.refreshToken ?? '');
      return refuse(password);
    },
    deletePassword: () => refuse(),
  };
}

describe('a locked or missing keychain', () => {
  let sandbox: Sandbox;
  let browser: Browser;

  beforeAll(async () => {
    [sandbox, browser] = await Promise.all([startSandbox(), launchBrowser()]);
  });
  afterAll(async () => {
    await Promise.all([browser?.close(), sandbox?.close()]);
  });

  it('service: add refuses at once, before any sign-in, when the keychain is locked', async () => {
    const { env, dispose } = await createTestHome(sandbox, 'splattr-locked-');
    const opened: string[] = [];
    const service = await createCompanionService({
      env,
      launcher: { command: process.execPath, scriptPath: BRIDGE_SCRIPT },
      openBrowser: async (url) => void opened.push(url),
      tokenStore: createTokenStore({ keychain: lockedKeychain([]) }),
    });
    try {
      await expect(service.add({ client: 'cursor' })).rejects.toThrow(KEYCHAIN_SENTENCE);
      expect(opened, 'no browser opened for a sign-in that could not be kept').toEqual([]);
      expect(await service.listConnections({})).toEqual([]);
    } finally {
      await service.dispose();
      await dispose();
    }
  });

  it('service: an add whose tokens cannot be stored writes them nowhere else and ends the grant', async () => {
    const { home, env, dispose } = await createTestHome(sandbox, 'splattr-readonly-');
    const handed: string[] = [];
    const service = await createCompanionService({
      env,
      launcher: { command: process.execPath, scriptPath: BRIDGE_SCRIPT },
      openBrowser: async (url) => {
        void completeSignIn(browser, url, { ...DEMO, consent: 'allow' }).catch(() => undefined);
      },
      tokenStore: createTokenStore({ keychain: lockedKeychain(handed, true) }),
    });
    try {
      const error = await companionError(service.add({ client: 'cursor' }));
      expect(error.message).toBe(KEYCHAIN_SENTENCE);
      expect(handed.length, 'the add tried to store the tokens').toBeGreaterThan(0);
      expect(await service.listConnections({})).toEqual([]);
      expect(await sandbox.controls.listGrants(DEMO.email)).toEqual([]);
      await expectNoSecretsUnder([home], handed);
    } finally {
      await service.dispose();
    }

    // The next start with a working keychain finds nothing of the failed add.
    const next = await createCompanionService({
      env,
      launcher: { command: process.execPath, scriptPath: BRIDGE_SCRIPT },
      openBrowser: async () => undefined,
    });
    await next.dispose();
    expect(await expectConsistent(env, [])).toEqual([]);
    await expectNoSecretsUnder([home], handed);
    await dispose();
  });

  it('CLI add: exit 1 with the keychain sentence before any sign-in, and nothing half-added', async () => {
    const { env, dispose } = await createTestHome(sandbox, 'splattr-nokeyring-');
    try {
      const added = await runCli(['add', 'cursor', '--no-open'], { ...env, ...NO_KEYRING }).done;
      expect(added.code).toBe(1);
      expect(added.stderr.trim()).toBe(KEYCHAIN_SENTENCE);
      expect(added.stdout).not.toContain('sign in');

      const listed = await runCli(['list', '--json'], env).done;
      expect(JSON.parse(listed.stdout)).toEqual([]);
      expect(await expectConsistent(env, [])).toEqual([]);
    } finally {
      await dispose();
    }
  });

  describe('for an existing connection', () => {
    let connection: BridgedConnection;

    beforeAll(async () => {
      connection = await createBridgedConnection(sandbox);
    });
    afterAll(async () => {
      await expectNoSecretsUnder([connection.home], await connection.fixture.secrets());
      await connection?.dispose();
    });

    it('the bridge answers with the keychain sentence, and never asks for a sign-in', async () => {
      await expect(connection.startBridge(NO_KEYRING)).rejects.toThrow(KEYCHAIN_SENTENCE);
      await vi.waitFor(async () => {
        expect(await connection.status()).toMatchObject({
          needsSignIn: false,
          lastError: KEYCHAIN_SENTENCE,
        });
      });
      const [listed] = await connection.service.listConnections({});
      expect(listed).toMatchObject({ status: 'error', lastError: KEYCHAIN_SENTENCE });
    });

    it('CLI test: exit 1 with the keychain sentence', async () => {
      const tested = await runCli(['test', connection.fixture.id], {
        ...connection.env,
        ...NO_KEYRING,
      }).done;
      expect(tested.code).toBe(1);
      expect(tested.stderr.trim()).toBe(KEYCHAIN_SENTENCE);
    });

    it('CLI remove: exit 1 with the keychain sentence; the next start with the keychain finishes it', async () => {
      const id = connection.fixture.id;
      const removed = await runCli(['remove', id, '--yes'], {
        ...connection.env,
        ...NO_KEYRING,
      }).done;
      expect(removed.code).toBe(1);
      expect(removed.stderr.trim()).toBe(KEYCHAIN_SENTENCE);

      const listed = await runCli(['list', '--json'], connection.env).done;
      expect(JSON.parse(listed.stdout)).toEqual([]);
      expect(await expectConsistent(connection.env, [id])).toEqual([]);
      const grants = await sandbox.controls.listGrants(DEMO.email);
      expect(grants.map((g) => g.clientId)).not.toContain(
        connection.fixture.record.registration.clientId,
      );
    });
  });
});
