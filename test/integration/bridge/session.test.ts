import http from 'node:http';
import { PassThrough } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpSession } from '../../../src/core/bridge/httpSession';
import type { TransportFor } from '../../../src/core/net/transports';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../../../src/core/bridge/messages';
import { Relay } from '../../../src/core/bridge/relay';
import { openStdio } from '../../../src/core/bridge/stdio';
import type { BridgeStatusPatch } from '../../../src/core/bridge/types';
import { DEMO } from '../../../support/companion';
import { toolText, withSandbox } from '../../helpers/sandbox';

const quietLog = { info() {}, warn() {}, error() {} };

/**
 * The relay in-process, between an MCP SDK client and the real sandbox, with an HTTP layer that
 * can make Splattr forget the session (by presenting a session id it never issued, which it answers
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
    const agent = new http.Agent({ keepAlive: true });
    const forgetting: TransportFor = async () => ({
      agent,
      request: ((url: URL, options: http.RequestOptions, callback) => {
        const headers = { ...options.headers } as Record<string, string>;
        if (options.method === 'POST' && forgetSessionOnce.armed && headers['mcp-session-id']) {
          forgetSessionOnce.armed = false;
          headers['mcp-session-id'] = 'a-session-splattr-never-issued';
        }
        const request = http.request(url, { ...options, headers }, callback);
        const end = request.end.bind(request);
        request.end = ((body?: Buffer) => {
          const message = body
            ? (JSON.parse(body.toString()) as { method?: string; id?: unknown })
            : {};
          if (message.method === 'initialize') initializeIds.push(message.id);
          return end(body);
        }) as typeof request.end;
        return request;
      }) as typeof http.request,
      failure: (error) => new TypeError('fetch failed', { cause: error }),
    });
    const accessTokenAuth = {
      getAccessToken: async () => accessToken,
      refreshAfterRejection: async () => accessToken,
    };
    const statuses: BridgeStatusPatch[] = [];
    const toBridge = new PassThrough();
    const fromBridge = new PassThrough();
    const log = quietLog;
    const relay: Relay = new Relay({
      downstream: openStdio({
        input: toBridge,
        output: fromBridge,
        maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
        log,
        line: (line) => relay.fromClient(line),
        tooLong: (head) => relay.clientLineTooLong(head),
      }),
      openUpstream: (handlers) =>
        new HttpSession({
          url: new URL(sandbox().mcpUrl),
          transportFor: forgetting,
          auth: accessTokenAuth,
          maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
          handlers,
        }),
      refreshAfterToolAuthError: async () => undefined,
      client: 'cursor',
      status: { update: async (patch) => void statuses.push(patch) },
      log,
      requestTimeoutMs: 30_000,
      maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
    });
    // The client's end of the two pipes: line-framed JSON-RPC, as over a process's stdio.
    const clientSide = new StdioServerTransport(fromBridge, toBridge);
    const client = new Client({ name: 'session-test', version: '1.0.0' });
    await client.connect(clientSide);
    cleanup.push(async () => {
      await client.close();
      await relay.close();
      agent.destroy();
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
