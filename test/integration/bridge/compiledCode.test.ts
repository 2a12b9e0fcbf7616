import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { compiledCodeFolder } from '../../../src/core/bridge/startup/compileCache';
import { startSandbox, type Sandbox } from '../../../src/sandbox';
import { createBridgedConnection, type BridgedConnection } from '../../helpers/bridgedConnection';

const PATIENCE = { timeout: 20_000, interval: 50 };
/** Node reports what it does with the compile cache on stderr when asked to. */
const CACHE_LOG = { NODE_DEBUG_NATIVE: 'COMPILE_CACHE' };

/** Every file under `folder`, or none when it does not exist. */
async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

function stderrOf(client: Client): () => string {
  let text = '';
  (client.transport as StdioClientTransport).stderr!.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  return () => text;
}

/**
 * A bridge starts with every AI app; what V8 compiled of it at one start is kept for the next
 * (bench/README.md has what it saves), in the private data folder, and never stands in the way.
 */
describe('the compiled code a bridge keeps for its next start', () => {
  let sandbox: Sandbox;
  let bridged: BridgedConnection;
  let folder: string;

  beforeAll(async () => {
    sandbox = await startSandbox();
    bridged = await createBridgedConnection(sandbox);
    folder = compiledCodeFolder(bridged.dataDir);
  });
  afterAll(async () => {
    await bridged?.dispose();
    await sandbox?.close();
  });

  it('is written once start-up is over, privately, and used by the next bridge', async () => {
    await rm(folder, { recursive: true, force: true });
    const first = await bridged.startBridge();
    expect((await first.listTools()).tools.length).toBeGreaterThan(0);
    // Written while the bridge runs: a client may kill its servers instead of letting them exit.
    await vi.waitFor(async () => expect(await filesUnder(folder)).not.toEqual([]), PATIENCE);
    process.kill((first.transport as StdioClientTransport).pid!, 'SIGKILL');
    await first.close();
    expect((await stat(folder)).mode & 0o077).toBe(0);
    expect(folder.startsWith(bridged.dataDir)).toBe(true);

    const second = await bridged.startBridge(CACHE_LOG);
    const log = stderrOf(second);
    expect((await second.listTools()).tools.length).toBeGreaterThan(0);
    await vi.waitFor(
      () => expect(log()).toMatch(/code cache for ESM \S+\/run\.mjs was accepted/),
      PATIENCE,
    );
    await second.close();
  });

  it('holding garbage, or unable to be made, costs only the compile', async () => {
    const kept = await filesUnder(folder);
    expect(kept).not.toEqual([]);
    await Promise.all(kept.map((file) => writeFile(file, 'not compiled code')));
    const overGarbage = await bridged.startBridge(CACHE_LOG);
    const log = stderrOf(overGarbage);
    expect((await overGarbage.listTools()).tools.length).toBeGreaterThan(0);
    await overGarbage.close();
    expect(log()).not.toMatch(/run\.mjs was accepted/);

    // A file where the folder goes: it cannot be made.
    await rm(folder, { recursive: true, force: true });
    await writeFile(folder, '');
    const withoutFolder = await bridged.startBridge();
    expect((await withoutFolder.listTools()).tools.length).toBeGreaterThan(0);
    await withoutFolder.close();
    await rm(folder, { force: true });
  });
});
