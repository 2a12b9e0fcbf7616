import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenStore } from '../../src/core/credentials/tokenStore';
import { createCompanionService } from '../../src/core/service';
import { startSandbox, type Sandbox } from '../../src/sandbox';
import { createBridgedConnection, type BridgedConnection } from '../helpers/bridgedConnection';
import { BRIDGE_SCRIPT, DEMO } from '../../support/companion';
import { expectNoSecretsUnder } from '../helpers/noSecrets';
import { toolText } from '../helpers/sandbox';

// SPLATTR_COMPANION_HOME moves the data folder, but the keychain is the person's one keychain:
// a development copy and the installed app, or two test runs, share it.
describe('two data folders share one keychain', () => {
  let sandbox: Sandbox;
  let connection: BridgedConnection;
  let otherHome: string;

  beforeAll(async () => {
    sandbox = await startSandbox();
    connection = await createBridgedConnection(sandbox);
    otherHome = await mkdtemp(path.join(os.tmpdir(), 'splattr-other-'));
  });
  afterAll(async () => {
    await connection?.dispose();
    await sandbox?.close();
    await rm(otherHome, { recursive: true, force: true });
  });

  it("starting the app on one folder leaves the other folder's connections working", async () => {
    const other = await createCompanionService({
      env: { ...process.env, HOME: otherHome, SPLATTR_COMPANION_HOME: otherHome },
      launcher: { command: process.execPath, scriptPath: BRIDGE_SCRIPT },
      openBrowser: async () => undefined,
    });
    await other.dispose();

    expect(await createTokenStore().get(connection.fixture.id)).toBeDefined();
    const client = await connection.startBridge();
    const answer = await client.callTool({ name: 'whoami', arguments: {} }, undefined, {
      timeout: 20_000,
    });
    expect(answer.isError).toBeFalsy();
    expect(toolText(answer)).toContain(DEMO.email);
    await expectNoSecretsUnder([connection.home, otherHome], await connection.fixture.secrets());
  });
});
