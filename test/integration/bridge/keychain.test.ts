import { readFile } from 'node:fs/promises';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../../support/companion';
import { createBridgeHome, type BridgeHome } from '../../helpers/bridge/launch';
import { toolText, withSandbox } from '../../helpers/sandbox';

describe.runIf(process.platform === 'linux')('the bridge on Linux', () => {
  const sandbox = withSandbox();
  let bridge: BridgeHome;
  beforeAll(async () => {
    bridge = await createBridgeHome(sandbox());
  });
  afterAll(async () => {
    await bridge?.dispose();
  });

  it('reads the tokens the app stored with keytar, without loading libsecret', async () => {
    const transport = new StdioClientTransport({ ...bridge.launch, stderr: 'pipe' });
    const client = new Client({ name: 'bridge-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      const result = await client.callTool({ name: 'whoami', arguments: {} });
      expect(JSON.parse(toolText(result))).toMatchObject({ email: DEMO.email });
      const maps = await readFile(`/proc/${transport.pid}/maps`, 'utf8');
      expect(maps).toContain('libc.so'); // the bridge's own map, read while it runs
      expect(maps).not.toContain('libsecret');
      expect(maps).not.toContain('keytar.node');
    } finally {
      await client.close();
    }
  });
});
