import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HttpSession, RECONNECT_MS } from '../../../src/core/bridge/httpSession';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../../../src/core/bridge/messages';
import type { TransportFor } from '../../../src/core/net/transports';
import { ERROR_MESSAGES } from '../../../src/shared/errors';
import { createBridgedConnection, type BridgedConnection } from '../../helpers/bridgedConnection';
import { toolText, withSandbox } from '../../helpers/sandbox';
import { startTcpProxy, type TcpProxy } from '../../helpers/tcpProxy';
import { createBridgeHome, type BridgeHome } from '../../helpers/bridge/launch';
import { initializeRequest, PATIENCE, spawnRawBridge } from '../../helpers/bridge/rawBridge';

/** Far beyond what any answer here needs, far below the bridge's own request timeout (120 s). */
const CLIENT_TIMEOUT_MS = 30_000;

describe('a legacy Splattr that closes a call’s stream mid-call, with event ids', () => {
  const sandbox = withSandbox({
    era: 'legacy',
    testTools: true,
    resumableStreams: { retryMs: 50 },
  });
  let bridge: BridgeHome;

  beforeAll(async () => {
    bridge = await createBridgeHome(sandbox(), { client: 'cursor' });
  });
  afterAll(async () => {
    await bridge?.dispose();
  });

  it('the bridge resumes it: every progress notification once, in order, then the result', async () => {
    // At the message level: the SDK's Client may drop progress read together with the result
    // (modelcontextprotocol/typescript-sdk#2580).
    const raw = spawnRawBridge(bridge);
    // 2025-11-25, where servers may close a stream and clients resume it (the SDK's server
    // closes none for older clients, so as not to leave them waiting).
    await raw.send({
      ...initializeRequest(1),
      params: { ...initializeRequest(1).params, protocolVersion: '2025-11-25' },
    });
    await raw.answerTo(1);
    await raw.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    sandbox().controls.resetMcpRequests();
    // Pauses longer than the retry Splattr asks for, so most resumptions happen mid-call.
    const args = { steps: 12, closeEvery: 3, pauseMs: 300 };
    await raw.callTool(2, 'test_resume', args, { progressToken: 'p' });
    const answer = await raw.answerTo(2);
    const seen = raw.lines.slice(1).map((line) => {
      const message = JSON.parse(line) as { method?: string; params?: { progress: number } };
      return message.method ? message.params!.progress : 'result';
    });
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 'result']);
    const result = answer.result as { content: Array<{ text: string }> };
    expect(JSON.parse(result.content[0]!.text)).toEqual({ steps: 12, closes: 3 });
    // Each resumption is a GET of its own (beside the session's own GET stream).
    expect(sandbox().controls.mcpRequests().legacy.GET).toBeGreaterThanOrEqual(3);
    // The session carries on as before.
    await raw.callTool(3, 'whoami');
    expect(await raw.answerTo(3)).toHaveProperty('result');
    expect(await raw.stop()).toBe(0);
  });

  it('its GET stream, closed by Splattr, is resumed after its last event: nothing is lost', async () => {
    const client = await bridge.connect();
    let changes = 0;
    client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
      changes += 1;
    });
    const announce = () => client.callTool({ name: 'test_list_changed', arguments: {} });
    // An event on the GET stream gives the bridge an id to resume after. What is announced
    // before the bridge's GET stream is open reaches no one, so this announces until one lands.
    await vi.waitFor(async () => {
      await announce();
      expect(changes).toBeGreaterThan(0);
    }, PATIENCE);
    const before = changes;
    expect(sandbox().controls.closeGetStreams()).toBeGreaterThanOrEqual(1);
    // Sent while no GET stream is open: Splattr keeps it for the resumption.
    await announce();
    await vi.waitFor(() => expect(changes).toBeGreaterThan(before), PATIENCE);
  });
});

describe('a call’s stream that breaks without event ids', () => {
  const sandbox = withSandbox({ era: 'legacy', testTools: true });
  let proxy: TcpProxy;
  let connection: BridgedConnection;

  beforeAll(async () => {
    proxy = await startTcpProxy(Number(new URL(sandbox().origin).port));
    connection = await createBridgedConnection(sandbox(), { serverUrl: `${proxy.origin}/mcp` });
  });
  afterAll(async () => {
    await connection?.dispose();
    await proxy?.close();
  });

  it('is answered with a clear error at once, not at the bridge’s timeout', async () => {
    const client = await connection.startBridge();
    let started: () => void = () => undefined;
    const waiting = new Promise<void>((resolve) => (started = resolve));
    const call = client.callTool({ name: 'test_wait', arguments: { ms: 60_000 } }, undefined, {
      onprogress: () => started(),
      timeout: CLIENT_TIMEOUT_MS,
    });
    call.catch(() => undefined);
    await waiting;
    await proxy.down();
    await expect(call).rejects.toThrow(ERROR_MESSAGES.server_unreachable);
    await proxy.up();
    expect((await client.callTool({ name: 'whoami', arguments: {} })).isError).toBeFalsy();
  });
});

describe('a legacy client and a modern-only Splattr that ends the subscription', () => {
  const sandbox = withSandbox({ era: 'modern', testTools: true });
  let bridge: BridgeHome;
  let client: Client;
  const changes: Array<() => void> = [];
  const nextListChange = () => new Promise<void>((resolve) => changes.push(resolve));

  beforeAll(async () => {
    bridge = await createBridgeHome(sandbox(), { client: 'cursor' });
    client = await bridge.connect();
    client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
      for (const resolve of changes.splice(0)) resolve();
    });
  });
  afterAll(async () => {
    await bridge?.dispose();
  });

  /** Once the bridge listens again, a change at Splattr reaches the client. */
  async function expectChangesHeard() {
    const { controls } = sandbox();
    await vi.waitFor(() => expect(controls.openSubscriptions()).toBe(1), PATIENCE);
    const changed = nextListChange();
    const announced = await client.callTool({ name: 'test_list_changed', arguments: {} });
    expect(JSON.parse(toolText(announced))).toEqual({ listeners: 1 });
    await changed;
  }

  it.each([
    { how: 'abruptly (a restart, a proxy’s timeout)', graceful: false },
    { how: 'gracefully (with its result)', graceful: true },
  ])(
    'ended $how: the bridge listens again, and the client still hears of changes',
    async ({ graceful }) => {
      const { controls } = sandbox();
      await vi.waitFor(() => expect(controls.openSubscriptions()).toBe(1), PATIENCE);
      expect(controls.endSubscriptions({ graceful })).toBe(1);
      await expectChangesHeard();
    },
  );

  it('ended, then refused once with a 429 (a rate limit): the bridge listens again after it', async () => {
    const { controls } = sandbox();
    await vi.waitFor(() => expect(controls.openSubscriptions()).toBe(1), PATIENCE);
    controls.refuseSubscriptions({ status: 429, times: 1 });
    controls.resetMcpRequests();
    expect(controls.endSubscriptions({ graceful: false })).toBe(1);
    await expectChangesHeard();
    // The refused listen, then the one that was acknowledged.
    expect(controls.mcpRequests().modern['subscriptions/listen']).toBe(2);
  });
});

describe('a legacy client and a modern-only Splattr that forbids the subscription', () => {
  const sandbox = withSandbox({ era: 'modern', testTools: true });
  let bridge: BridgeHome;

  beforeAll(async () => {
    bridge = await createBridgeHome(sandbox(), { client: 'cursor' });
  });
  afterAll(async () => {
    await bridge?.dispose();
  });

  it('a 403 would be refused again: the bridge stops following changes', async () => {
    const client = await bridge.connect();
    const { controls } = sandbox();
    await vi.waitFor(() => expect(controls.openSubscriptions()).toBe(1), PATIENCE);
    controls.refuseSubscriptions({ status: 403, times: 1 });
    expect(controls.endSubscriptions({ graceful: false })).toBe(1);
    const logFile = path.join(bridge.dataDir, 'logs', 'bridge.log');
    const refusal = 'tool list changes not followed';
    await vi.waitFor(async () => {
      expect(await readFile(logFile, 'utf8')).toContain(refusal);
    }, PATIENCE);
    // The bridge logs whether it listens again in the same turn as the refusal, so by the time
    // it has answered a later call, that line would be there.
    expect((await client.callTool({ name: 'whoami', arguments: {} })).isError).toBeFalsy();
    const afterRefusal = (await readFile(logFile, 'utf8')).split(refusal).at(-1);
    expect(afterRefusal).toContain('"status":403');
    expect(afterRefusal).not.toContain('listening again');
  });
});

describe('a legacy Splattr that refuses the GET stream', () => {
  const sandbox = withSandbox({ era: 'legacy', testTools: true });
  let bridge: BridgeHome;
  const bridgeLog = () => readFile(path.join(bridge.dataDir, 'logs', 'bridge.log'), 'utf8');

  beforeAll(async () => {
    bridge = await createBridgeHome(sandbox(), { client: 'cursor' });
  });
  afterAll(async () => {
    await bridge?.dispose();
  });

  it('with a 429 (a rate limit): the bridge opens it again after its backoff, and the client still hears of changes', async () => {
    const { controls } = sandbox();
    controls.refuseGetStreams({ status: 429, times: 1 });
    controls.resetMcpRequests();
    const client = await bridge.connect();
    let changes = 0;
    client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
      changes += 1;
    });
    // What is announced before the bridge's GET stream is open reaches no one, so this
    // announces until one lands.
    await vi.waitFor(async () => {
      await client.callTool({ name: 'test_list_changed', arguments: {} });
      expect(changes).toBeGreaterThan(0);
    }, PATIENCE);
    // The refused GET, then the one that was served.
    expect(controls.mcpRequests().legacy.GET).toBe(2);
    await client.close();
  });

  it('with a 403, which would be refused again: the bridge does not open it again', async () => {
    const { controls } = sandbox();
    controls.refuseGetStreams({ status: 403, times: 1 });
    const client = await bridge.connect();
    const refusal = 'upstream stream error';
    await vi.waitFor(async () => {
      expect((await bridgeLog()).split(refusal).at(-1)).toContain('"status":403');
    }, PATIENCE);
    // The bridge logs whether it opens the stream again in the same turn as the refusal, so by
    // the time it has answered a later call, that line would be there.
    expect((await client.callTool({ name: 'whoami', arguments: {} })).isError).toBeFalsy();
    expect((await bridgeLog()).split(refusal).at(-1)).not.toContain('opening it again');
  });
});

describe('resuming a stream, against a scripted Splattr', () => {
  const PRIMED = 'id: e1\nretry: 0\ndata: \n\n';
  const RESULT = '{"jsonrpc":"2.0","id":7,"result":{}}';

  /**
   * Answers the POST with `posted`, by default a stream that primes an event id, asks for no
   * wait and ends at once; each GET gets `resumed(n)` (by default the same again: nothing new).
   */
  async function scriptedSplattr(
    resumed: (n: number) => { status: number; body: string } = () => ({
      status: 200,
      body: PRIMED,
    }),
    posted = { status: 200, body: PRIMED },
  ) {
    const gets: Array<{ lastEventId?: string; sessionId?: string }> = [];
    const server = http.createServer((req, res) => {
      req.resume();
      const { status, body } = req.method === 'GET' ? resumed(gets.length) : posted;
      if (req.method === 'GET') {
        gets.push({
          lastEventId: req.headers['last-event-id'] as string | undefined,
          sessionId: req.headers['mcp-session-id'] as string | undefined,
        });
      }
      const headers = { 'content-type': 'text/event-stream', 'mcp-session-id': 'session-1' };
      res.writeHead(status, headers).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return { url: new URL(`http://127.0.0.1:${port}/mcp`), gets, server };
  }

  /** An HttpSession alone; `outcome` is what the relay would hear of the call with id 7. */
  function sessionAt(url: URL) {
    const agent = new http.Agent();
    const transportFor: TransportFor = async () => ({
      agent,
      request: http.request,
      failure: (error) => new TypeError('fetch failed', { cause: error }),
    });
    let ended: (outcome: string) => void = () => undefined;
    const outcome = new Promise<string>((resolve) => (ended = resolve));
    const session = new HttpSession({
      url,
      transportFor,
      auth: { getAccessToken: async () => 'token', refreshAfterRejection: async () => 'token' },
      maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
      handlers: {
        message: (bytes) => {
          ended(`answered: ${bytes.toString()}`);
          return true;
        },
        tooLarge: () => undefined,
        error: () => undefined,
        listeningAgain: () => undefined,
        awaits: () => true,
        unanswered: (id) => ended(`unanswered: ${String(id)}`),
      },
    });
    const close = () => {
      session.close();
      agent.destroy();
    };
    return { session, outcome, close };
  }

  /** A tools/call (id 7) through an HttpSession alone. */
  async function callThrough(url: URL, modern = false) {
    const { session, outcome, close } = sessionAt(url);
    const bytes = Buffer.from('{"jsonrpc":"2.0","id":7,"method":"tools/call"}');
    await session.send({
      bytes,
      id: 7,
      method: 'tools/call',
      ...(modern && { modern: { protocolVersion: '2026-07-28' } }),
    });
    return { outcome, close };
  }

  it('gives up after a bounded number of attempts that bring nothing new', async () => {
    const splattr = await scriptedSplattr();
    const call = await callThrough(splattr.url);
    expect(await call.outcome).toBe('unanswered: 7');
    // Each attempt resumes after the last event id, in the session.
    const attempt = { lastEventId: 'e1', sessionId: 'session-1' };
    expect(splattr.gets).toEqual(Array.from({ length: RECONNECT_MS.length }, () => attempt));
    call.close();
    splattr.server.close();
  });

  it('tries again after a 409 (the old connection not yet gone), and gets the answer', async () => {
    const splattr = await scriptedSplattr((n) =>
      n === 0 ? { status: 409, body: '' } : { status: 200, body: `id: e2\ndata: ${RESULT}\n\n` },
    );
    const call = await callThrough(splattr.url);
    expect(await call.outcome).toBe(`answered: ${RESULT}`);
    expect(splattr.gets).toHaveLength(2);
    call.close();
    splattr.server.close();
  });

  it('opens a new GET stream, without Last-Event-ID, when Splattr refuses to resume it', async () => {
    const streams = [
      { status: 200, body: PRIMED }, // the session's stream: an event id, then it ends
      { status: 403, body: '' }, // its resumption, refused: final, but not for a new stream
    ];
    // Then a 405 (no GET stream offered), after which nothing is opened again.
    const splattr = await scriptedSplattr((n) => streams[n] ?? { status: 405, body: '' }, {
      status: 202,
      body: '',
    });
    const { session, close } = sessionAt(splattr.url);
    const initialized = '{"jsonrpc":"2.0","method":"notifications/initialized"}';
    await session.send({ bytes: Buffer.from(initialized), method: 'notifications/initialized' });
    await vi.waitFor(() => expect(splattr.gets).toHaveLength(3), PATIENCE);
    expect(splattr.gets.map((get) => get.lastEventId)).toEqual([undefined, 'e1', undefined]);
    close();
    splattr.server.close();
  });

  it('does not resume a 2026-07-28 stream, which the spec made not resumable', async () => {
    const splattr = await scriptedSplattr();
    const call = await callThrough(splattr.url, true);
    expect(await call.outcome).toBe('unanswered: 7');
    expect(splattr.gets).toEqual([]);
    call.close();
    splattr.server.close();
  });
});
