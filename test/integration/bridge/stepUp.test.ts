import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openRegistry } from '../../../src/core/registry/registry';
import { openStatusFiles } from '../../../src/core/registry/statusFiles';
import { expectNoSecretsUnder } from '../../helpers/noSecrets';
import { toolText, withSandbox } from '../../helpers/sandbox';
import { createBridgeHome, type BridgeHome } from '../../helpers/bridge/launch';

const SIGN_IN =
  'Splattr needs you to sign in again: open Splattr Companion and click Reconnect on Cursor.';
const PATIENCE = { timeout: 20_000, interval: 20 };

describe('when Splattr answers 403 insufficient_scope', () => {
  const sandbox = withSandbox();
  let bridge: BridgeHome;

  beforeAll(async () => {
    bridge = await createBridgeHome(sandbox(), { client: 'cursor' });
  });
  afterAll(async () => {
    sandbox().controls.mcpFaults(null);
    await expectNoSecretsUnder([bridge.home], await bridge.fixture.secrets());
    await bridge.dispose();
  });

  it('asks for one step-up sign-in for the wider scope, and then no more', async () => {
    const client = await bridge.connect();
    const faults = { mode: 'insufficientScope', times: 100, scope: 'crm:write' } as const;
    sandbox().controls.mcpFaults(faults);
    const refused = await client.callTool({ name: 'whoami', arguments: {} });
    expect(refused.isError).toBe(true);
    expect(toolText(refused)).toBe(SIGN_IN);
    const held = bridge.fixture.record.server.scope;
    // Both of the bridge's writes: the wider scope, then the sentence for the app. Landing after
    // the reset below, the second would undo it; a real Reconnect comes seconds later.
    await vi.waitFor(
      async () =>
        expect(await bridge.status()).toMatchObject({
          needsSignIn: true,
          stepUpScope: `${held} crm:write`,
          lastError: expect.any(String),
        }),
      PATIENCE,
    );

    // After that sign-in the connection holds the wider scope (Reconnect records it). Splattr
    // refusing again is its answer now: the call fails, and no new sign-in is asked for.
    openRegistry({ dataDir: bridge.dataDir }).update(bridge.fixture.id, {
      server: { ...bridge.fixture.record.server, scope: `${held} crm:write` },
    });
    await openStatusFiles(bridge.dataDir).update(bridge.fixture.id, {
      needsSignIn: false,
      lastError: undefined,
      stepUpScope: undefined,
    });
    const again = await client
      .callTool({ name: 'whoami', arguments: {} })
      .then((result) => toolText(result))
      .catch((error: unknown) => String(error));
    expect(again).not.toContain('sign in again');
    expect(await bridge.status()).toMatchObject({ needsSignIn: false });
    expect((await bridge.status())?.stepUpScope).toBeUndefined();

    sandbox().controls.mcpFaults(null);
    const works = await client.callTool({ name: 'whoami', arguments: {} });
    expect(works.isError).toBeFalsy();
  });
});
