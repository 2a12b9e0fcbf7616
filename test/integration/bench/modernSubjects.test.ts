import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { whoami } from '../../../bench/measure';
import { modernBridgeSubject, modernDirectSubject, type Subject } from '../../../bench/subjects';
import { DEMO } from '../../../support/companion';
import { createBridgedConnection, type BridgedConnection } from '../../helpers/bridgedConnection';
import { withSandbox } from '../../helpers/sandbox';

// The bench times the 2026-07-28 pairing with these two subjects; a subject the sandbox served
// as legacy traffic, or one whose calls failed, would time the wrong thing or stop the bench.
describe('the bench subjects of the 2026-07-28 pairing', () => {
  const sandbox = withSandbox({ testTools: true });
  let bridged: BridgedConnection;
  beforeAll(async () => {
    bridged = await createBridgedConnection(sandbox());
  });
  afterAll(async () => {
    await bridged?.dispose();
  });

  const subjects: Array<[string, () => Subject]> = [
    [
      'the direct client',
      () => modernDirectSubject(sandbox().mcpUrl, bridged.fixture.tokens.accessToken),
    ],
    ['the stdio client through the bridge', () => modernBridgeSubject(bridged.entry, bridged.home)],
  ];

  it.each(subjects)('%s is served by the modern era and gets the account', async (_, subject) => {
    sandbox().controls.resetMcpRequests();
    const connection = await subject().connect();
    try {
      expect(JSON.parse(await whoami(connection))).toMatchObject({ email: DEMO.email });
    } finally {
      await connection.close();
    }
    const served = sandbox().controls.mcpRequests();
    expect(served.legacy).toEqual({});
    expect(served.modern).toMatchObject({ 'server/discover': 1, 'tools/call': 1 });
  });
});
