import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../../src/sandbox';
import { createBridgedConnection, type BridgedConnection } from '../../helpers/bridgedConnection';
import { DEMO, FAILPOINT_BUILD } from '../../../support/companion';
import { toolText } from '../../helpers/sandbox';

/** The bundles as built for packaging (electron-vite, scripts/build-bridge.mjs): the app, the bridge, the CLI. */
const SHIPPED = ['out/main/index.js', 'out/bridge/run.mjs', 'out/cli/cli.mjs'];

describe('SPLATTR_FAILPOINT, which kills the process, in what ships', () => {
  let sandbox: Sandbox;
  let connection: BridgedConnection | undefined;

  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(async () => {
    await connection?.dispose();
    await sandbox?.close();
  });

  it('is compiled out of the app, bridge and CLI bundles; only the crash tests’ build reads it', async () => {
    for (const file of SHIPPED) {
      expect(await readFile(file, 'utf8'), file).not.toContain('SPLATTR_FAILPOINT');
    }
    // The same sources, built for the crash tests: the search above looks for the right thing.
    for (const file of ['bridge/run.mjs', 'cli/cli.mjs']) {
      expect(await readFile(`${FAILPOINT_BUILD}/${file}`, 'utf8')).toContain('SPLATTR_FAILPOINT');
    }
  });

  it('does not stop the shipped bridge: told to die before a refresh, it refreshes and answers', async () => {
    connection = await createBridgedConnection(sandbox, { expiresAt: Date.now() - 1_000 });
    sandbox.controls.resetTokenRequests();

    const client = await connection.startBridge({ SPLATTR_FAILPOINT: 'refresh:before-request' });
    const answer = await client.callTool({ name: 'whoami', arguments: {} });

    expect(answer.isError).toBeFalsy();
    expect(toolText(answer)).toContain(DEMO.email);
    expect(sandbox.controls.tokenRequests().refresh_token).toBe(1);
  });
});
