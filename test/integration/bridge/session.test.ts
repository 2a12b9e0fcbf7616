import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createBearerFetch } from '../../../src/core/bridge/bearerFetch';
import { Relay } from '../../../src/core/bridge/relay';
import type { BridgeStatusPatch } from '../../../src/core/bridge/types';
import { DEMO } from '../../helpers/companion';
import { toolText, withSandbox } from '../../helpers/sandbox';

const quietLog = { info() {}, warn() {}, error() {} };

/**
 * The relay in-process, between an MCP SDK client and the real sandbox, with a fetch that can
 * make Splattr forget the session (by presenting a session id it never issued, which it answers
 * with 404 as the Streamable HTTP spec says) or count what reaches it.
 */
describe('when Splattr forgets the session', () => {
  const sandbox = withSandbox();
  let accessToken: string;
  const cleanup: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    accessToken = (await sandbox().controls.issueTokens({ email: DEMO.email })).accessToken;
  });
  afterEach(async () => {
    for (const close of cleanup.splice(0)) await close();
  });

  async function relayedClient(forgetSessionOnce: { armed: boolean }) {
    const initializeIds: unknown[] = [];
    const forgetting: FetchLike = async (url, init) => {
      const headers = new Headers(init?.headers);
      if (init?.method === 'POST') {
        const body = JSON.parse(String(init.body)) as { method?: string; id?: unknown };
        if (body.method === 'initialize') initializeIds.push(body.id);
        if (forgetSessionOnce.armed && headers.has('mcp-session-id')) {
          forgetSessionOnce.armed = false;
          headers.set('mcp-session-id', 'a-session-splattr-never-issued');
        }
      }
      return fetch(url, { ...init, headers });
    };
    const bearer = createBearerFetch(
      { getAccessToken: async () => accessToken, refreshAfterRejection: async () => accessToken },
      forgetting,
    );
    const statuses: BridgeStatusPatch[] = [];
    const [clientSide, bridgeSide] = InMemoryTransport.createLinkedPair();
    const relay = new Relay({
      downstream: bridgeSide,
      openUpstream: () =>
        new StreamableHTTPClientTransport(new URL(sandbox().mcpUrl), { fetch: bearer.fetch }),
      refreshAfterToolAuthError: () => bearer.refreshLastToken(),
      client: 'cursor',
      status: { update: async (patch) => void statuses.push(patch) },
      log: quietLog,
      requestTimeoutMs: 30_000,
    });
    await relay.start();
    const client = new Client({ name: 'session-test', version: '1.0.0' });
    await client.connect(clientSide);
    cleanup.push(async () => {
      await client.close();
      await relay.close();
    });
    return { client, initializeIds, statuses };
  }

  it('opens a new one by replaying the client’s initialize, and the call goes through', async () => {
    const trap = { armed: false };
    const { client, initializeIds, statuses } = await relayedClient(trap);
    expect(initializeIds).toEqual([0]);

    trap.armed = true;
    const result = await client.callTool({ name: 'whoami', arguments: {} });

    expect(trap.armed).toBe(false);
    expect(result.isError).toBeFalsy();
    expect(JSON.parse(toolText(result))).toMatchObject({ email: DEMO.email });
    // The replay went out under the bridge's own id; the client never saw a second answer.
    expect(initializeIds).toHaveLength(2);
    expect(initializeIds[1]).toEqual(expect.stringMatching(/^splattr-bridge-/));
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('whoami');
    expect(statuses.some((s) => s.needsSignIn === true)).toBe(false);
  });
});
