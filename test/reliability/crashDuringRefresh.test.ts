import { stat } from 'node:fs/promises';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { dataLockPath } from '../../src/core/lock';
import { createTokenStore } from '../../src/core/credentials/tokenStore';
import { startSandbox, type Sandbox } from '../../src/sandbox';
import { NEEDS_SIGN_IN_HINT } from '../../src/shared/connection';
import { createBridgedConnection, type BridgedConnection } from '../helpers/bridgedConnection';
import { DEMO, FAILPOINT_BRIDGE_SCRIPT } from '../../support/companion';
import { expectConsistent } from '../helpers/consistency';
import { expectNoSecretsUnder } from '../helpers/noSecrets';
import { toolText } from '../helpers/sandbox';

const SIGN_IN_SENTENCE =
  'Splattr needs you to sign in again: open Splattr Companion and click Reconnect on Cursor.';
/** A dead holder's lock goes stale within 10 s; the rest is the bridge starting and calling. */
const CALL_TIMEOUT_MS = 30_000;

async function whoami(client: Client) {
  return client.callTool({ name: 'whoami', arguments: {} }, undefined, {
    timeout: CALL_TIMEOUT_MS,
  });
}

/**
 * A bridge whose tokens have expired starts refreshing as soon as the AI client initializes,
 * and is killed with -9 at `failpoint`, the refresh lock in its hands.
 */
async function killBridgeDuringRefresh(
  connection: BridgedConnection,
  failpoint: string,
): Promise<void> {
  const killed = connection.startBridge({ SPLATTR_FAILPOINT: failpoint }, FAILPOINT_BRIDGE_SCRIPT);
  await expect(killed).rejects.toThrow(/Connection closed/);
  // proper-lockfile's lock folder for the refresh lock of this connection.
  const lock = `${dataLockPath(connection.dataDir, `refresh-${connection.fixture.id}`)}.lock`;
  expect((await stat(lock)).isDirectory(), 'the killed bridge held the refresh lock').toBe(true);
}

describe('kill -9 while a bridge refreshes the tokens', () => {
  let sandbox: Sandbox;
  let connection: BridgedConnection;

  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterEach(async () => {
    await expectNoSecretsUnder([connection.home], await connection.fixture.secrets());
    await connection.dispose();
  });
  afterAll(async () => {
    await sandbox?.close();
  });

  it('before the request: the next bridge takes over the lock, refreshes once, and works', async () => {
    connection = await createBridgedConnection(sandbox, { expiresAt: Date.now() - 1_000 });
    const before = await createTokenStore().get(connection.fixture.id);
    sandbox.controls.resetTokenRequests();
    await killBridgeDuringRefresh(connection, 'refresh:before-request');
    expect(sandbox.controls.tokenRequests().refresh_token ?? 0).toBe(0);

    const client = await connection.startBridge();
    const answer = await whoami(client);
    expect(answer.isError).toBeFalsy();
    expect(toolText(answer)).toContain(DEMO.email);
    expect(sandbox.controls.tokenRequests().refresh_token).toBe(1);
    const after = await createTokenStore().get(connection.fixture.id);
    expect(after?.refreshToken).not.toBe(before?.refreshToken);

    await vi.waitFor(async () => {
      const listed = await connection.service.listConnections({});
      expect(listed.map((c) => c.status)).toEqual(['connected']);
    });
    expect(await expectConsistent(connection.env, [connection.fixture.id])).toEqual([
      connection.fixture.id,
    ]);
  });

  it('after Splattr rotated the refresh token but before the keychain kept the new one: it clearly asks for a new sign-in', async () => {
    connection = await createBridgedConnection(sandbox, { expiresAt: Date.now() - 1_000 });
    sandbox.controls.resetTokenRequests();
    await killBridgeDuringRefresh(connection, 'refresh:after-response');
    expect(sandbox.controls.tokenRequests().refresh_token).toBe(1);

    // The keychain still holds the refresh token Splattr has replaced; using it again ends the
    // grant (reuse detection), so only a new sign-in can help, and every place says so. The
    // client keeps Splattr as a server (issue 13): its call answers with the sentence.
    const refused = await whoami(await connection.startBridge());
    expect(refused.isError).toBe(true);
    expect(toolText(refused)).toBe(SIGN_IN_SENTENCE);
    const listed = await connection.service.listConnections({});
    expect(listed).toEqual([
      expect.objectContaining({ status: 'needs_sign_in', lastError: NEEDS_SIGN_IN_HINT }),
    ]);
    const tested = await connection.service.test({ id: connection.fixture.id });
    expect(tested).toMatchObject({ ok: false, error: SIGN_IN_SENTENCE });

    // Nothing is half there: the record and the entry stay for Reconnect; the dead tokens left
    // the keychain.
    expect(await createTokenStore().get(connection.fixture.id)).toBeUndefined();
  });
});
