import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { openRegistry } from '../../../src/core/registry/registry';
import { withSandbox } from '../../helpers/sandbox';
import { createBridgeHome, type BridgeHome } from '../../helpers/bridge/launch';

const sandbox = withSandbox();
let bridgeHome: BridgeHome | undefined;
afterEach(async () => {
  await bridgeHome?.dispose();
  bridgeHome = undefined;
});

/** Starts the bridge as the client config says and collects what it prints until it exits. */
function startBridge(
  home: BridgeHome,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(home.launch.command, home.launch.args, {
    env: home.launch.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // A bridge that started would wait for the client: closing stdin lets it end either way.
  setTimeout(() => child.stdin.end(), 3_000);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('the bridge checks where the registry says to send the token', () => {
  it('refuses an address that is not the resource the connection signed in to', async () => {
    bridgeHome = await createBridgeHome(sandbox());
    // Another process of the person rewrote the registry to send the token elsewhere.
    openRegistry({ dataDir: bridgeHome.dataDir }).update(bridgeHome.fixture.id, {
      serverUrl: `${sandbox().origin}/elsewhere`,
    });
    const { code, stdout, stderr } = await startBridge(bridgeHome);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('is not the one it signed in to');
  });

  it('refuses plain http to another computer, even when the record agrees with itself', async () => {
    bridgeHome = await createBridgeHome(sandbox());
    const record = openRegistry({ dataDir: bridgeHome.dataDir }).get(bridgeHome.fixture.id);
    if (!record) throw new Error('the fixture has no record');
    const plain = 'http://mcp.splattr.example/mcp';
    openRegistry({ dataDir: bridgeHome.dataDir }).update(bridgeHome.fixture.id, {
      serverUrl: plain,
      server: { ...record.server, serverUrl: plain, resource: plain },
    });
    const { code, stderr } = await startBridge(bridgeHome);
    expect(code).toBe(1);
    expect(stderr).toContain('must start with https://');
  });

  it('starts for the address it signed in to', async () => {
    bridgeHome = await createBridgeHome(sandbox());
    const client = await bridgeHome.connect();
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
  });
});
