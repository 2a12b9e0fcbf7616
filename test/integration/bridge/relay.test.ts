import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import {
  ElicitRequestSchema,
  JSONRPCMessageSchema,
  type JSONRPCMessage,
} from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEMO } from '../../../support/companion';
import { expectNoSecretsUnder } from '../../helpers/noSecrets';
import { toolText, withSandbox } from '../../helpers/sandbox';
import { createBridgeHome, type BridgeHome } from '../../helpers/bridge/launch';
import { initializeRequest } from '../../helpers/bridge/rawBridge';

const MIB = 1024 * 1024;
/** Short, so a request Splattr never answers comes back as an error within the test. */
const BRIDGE_TIMEOUT_MS = 1_500;
/** How long a test waits for an answer that must come: a bound, not a speed requirement. */
const PATIENCE = { timeout: 20_000, interval: 20 };

describe('the bridge relays every kind of MCP message', () => {
  const sandbox = withSandbox({ testTools: true });
  let bridge: BridgeHome;
  let client: Client;

  beforeAll(async () => {
    bridge = await createBridgeHome(sandbox(), {
      env: { SPLATTR_BRIDGE_REQUEST_TIMEOUT_MS: String(BRIDGE_TIMEOUT_MS) },
    });
    // A client that can answer Splattr's questions (elicitation), as Claude Desktop does.
    client = await bridge.connect(
      new Client({ name: 'bridge-test', version: '1.0.0' }, { capabilities: { elicitation: {} } }),
    );
  });
  afterAll(async () => {
    await expectNoSecretsUnder([bridge.home], await bridge.fixture.secrets());
    await bridge.dispose();
  });

  it('lists the tools, and whoami answers with the signed-in account', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['whoami', 'test_wait']));
    const whoami = await client.callTool({ name: 'whoami', arguments: {} });
    expect(whoami.isError).toBeFalsy();
    expect(JSON.parse(toolText(whoami))).toMatchObject({ email: DEMO.email, organization: 'Acme' });
    await vi.waitFor(
      async () => expect((await bridge.status())?.lastUsedAt).toBeDefined(),
      PATIENCE,
    );
    expect((await bridge.status())?.needsSignIn).toBe(false);
  });

  it('passes progress notifications through in order, before the result', async () => {
    // At the message level: the SDK's Client runs progress handlers a microtask after reading
    // them but the response at once, so it drops progress that arrives in one read with the
    // response (modelcontextprotocol/typescript-sdk#2580), with or without a bridge.
    const raw = new StdioClientTransport({ ...bridge.launch, stderr: 'pipe' });
    const received: JSONRPCMessage[] = [];
    raw.onmessage = (message) => received.push(message);
    await raw.start();
    try {
      await raw.send(initializeRequest(1));
      await vi.waitFor(() => expect(received).toHaveLength(1), PATIENCE);
      await raw.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      await raw.send({
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'test_progress', arguments: { steps: 5 }, _meta: { progressToken: 'p' } },
      });
      await vi.waitFor(
        () => expect(received.some((m) => 'id' in m && m.id === 2)).toBe(true),
        PATIENCE,
      );
    } finally {
      await raw.close();
    }
    const afterInit = received.slice(1);
    expect(afterInit.map((m) => ('method' in m ? m.params?.progress : 'result'))).toEqual([
      1,
      2,
      3,
      4,
      5,
      'result',
    ]);
    expect(afterInit[0]).toEqual({
      jsonrpc: '2.0',
      method: 'notifications/progress',
      params: { progressToken: 'p', progress: 1, total: 5, message: 'step 1' },
    });
  });

  it('passes a cancellation to Splattr', async () => {
    const before = sandbox().controls.cancelledRequests();
    const abort = new AbortController();
    let started!: () => void;
    const waiting = new Promise<void>((resolve) => (started = resolve));
    const call = client.callTool({ name: 'test_wait', arguments: { ms: 60_000 } }, undefined, {
      signal: abort.signal,
      // test_wait reports progress 0 once it has begun: the client's onprogress hears it.
      onprogress: (p) => {
        if (p.progress === 0) started();
      },
    });
    await waiting;
    abort.abort('changed my mind');
    await expect(call).rejects.toThrow();
    await vi.waitFor(
      () => expect(sandbox().controls.cancelledRequests()).toBe(before + 1),
      PATIENCE,
    );
  });

  it('relays a request from Splattr to the client, and the client’s answer back', async () => {
    client.setRequestHandler(ElicitRequestSchema, async (request) => ({
      action: 'accept',
      content: { answer: `teal (asked: ${request.params.message})` },
    }));
    const result = await client.callTool({
      name: 'test_elicit',
      arguments: { message: 'Favourite colour?' },
    });
    expect(JSON.parse(toolText(result))).toEqual({
      action: 'accept',
      content: { answer: 'teal (asked: Favourite colour?)' },
    });
  });

  it('carries a 1 MiB result intact', async () => {
    const result = await client.callTool({ name: 'test_large', arguments: { bytes: MIB } });
    const text = toolText(result);
    expect(text.length).toBe(MIB);
    expect(text).toBe('x'.repeat(MIB));
  });

  it('answers a request Splattr leaves unanswered with an error, and tells Splattr to stop', async () => {
    const before = sandbox().controls.cancelledRequests();
    await expect(client.callTool({ name: 'test_wait', arguments: { ms: 30_000 } })).rejects.toThrow(
      /Splattr did not answer within/,
    );
    await vi.waitFor(
      () => expect(sandbox().controls.cancelledRequests()).toBe(before + 1),
      PATIENCE,
    );
    expect((await client.callTool({ name: 'whoami', arguments: {} })).isError).toBeFalsy();
  });

  it.each(['status503', 'reset'] as const)(
    'answers one request clearly when Splattr fails it (%s), then works, without asking to sign in',
    async (mode) => {
      sandbox().controls.mcpFaults({ mode, times: 1 });
      await expect(client.callTool({ name: 'whoami', arguments: {} })).rejects.toThrow(
        mode === 'reset' ? /Splattr could not be reached/ : /Splattr had a problem answering/,
      );
      const next = await client.callTool({ name: 'whoami', arguments: {} });
      expect(JSON.parse(toolText(next))).toMatchObject({ email: DEMO.email });
      expect((await bridge.status())?.needsSignIn).toBe(false);
    },
  );
});

describe('the bridge process', () => {
  const sandbox = withSandbox();
  let bridge: BridgeHome;

  beforeAll(async () => {
    bridge = await createBridgeHome(sandbox());
  });
  afterAll(async () => {
    await bridge.dispose();
  });

  it('writes only JSON-RPC to stdout and exits with 0 when stdin closes', async () => {
    const child = spawn(bridge.launch.command, bridge.launch.args, {
      env: bridge.launch.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const send = (message: object) => child.stdin.write(`${JSON.stringify(message)}\n`);
    send(initializeRequest(1));
    await vi.waitFor(() => expect(stdout).toContain('"id":1'), PATIENCE);
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/call',
      params: { name: 'whoami', arguments: {} },
    });
    await vi.waitFor(() => expect(stdout).toContain('"id":2'), PATIENCE);

    const exited = once(child, 'exit');
    child.stdin.end();
    const [code] = await exited;
    expect(code).toBe(0);
    const lines = stdout.split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(2);
    for (const line of lines)
      expect(() => JSONRPCMessageSchema.parse(JSON.parse(line))).not.toThrow();
    expect(stdout).toContain(DEMO.email);
  });

  it('refuses to start without a connection, saying how to call it', async () => {
    const child = spawn(bridge.launch.command, [bridge.launch.args[0]!], {
      env: bridge.launch.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(stderr).toContain('--connection <id>');
  });
});
