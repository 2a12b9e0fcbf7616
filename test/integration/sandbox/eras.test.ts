import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { McpEra, Sandbox } from '../../../src/sandbox';
import { modernMeta, modernPost, modernStream, MODERN_VERSION } from '../../../support/modernHttp';
import { connectMcp, remoteControls, toolText, withSandbox } from '../../helpers/sandbox';

/** Error codes the 2026-07-28 schema defines; a client recognises a modern server by them. */
const MODERN_CODES = [-32020, -32021, -32022];
const SERVER_INFO = { 'io.modelcontextprotocol/serverInfo': { name: 'splattr', version: '1.0.0' } };

const legacyInitialize = (protocolVersion = '2025-11-25') => ({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion, capabilities: {}, clientInfo: { name: 'old-app', version: '1' } },
});

/** A tools/list that names `version` in both its header and its _meta. */
const listWithVersion = (mcpUrl: string, token: string, version: string) =>
  modernPost(
    mcpUrl,
    token,
    'tools/list',
    {},
    {
      meta: modernMeta({ 'io.modelcontextprotocol/protocolVersion': version }),
      headers: { 'MCP-Protocol-Version': version },
    },
  );

/** A sandbox of that era with its test tools, and a token for demo@splattr.test, per file. */
function signedInSandbox(era: McpEra): { sandbox: () => Sandbox; token: () => string } {
  const sandbox = withSandbox({ era, testTools: true });
  let token = '';
  beforeAll(async () => {
    token = (await sandbox().controls.issueTokens({ email: 'demo@splattr.test' })).accessToken;
  });
  return { sandbox, token: () => token };
}

async function postJson(
  mcpUrl: string,
  token: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const response = await fetch(mcpUrl, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream',
      ...headers,
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  const json = /^\s*\{/.test(text)
    ? (JSON.parse(text) as { error: { code: number; message: string; data?: unknown } })
    : undefined;
  return { status: response.status, headers: response.headers, text, json };
}

describe('--era modern: stateless MCP 2026-07-28', () => {
  const { sandbox, token } = signedInSandbox('modern');

  it('server/discover names its one version, its capabilities and itself', async () => {
    const answer = await modernPost(sandbox().mcpUrl, token(), 'server/discover');
    expect(answer.status).toBe(200);
    expect(answer.response?.result).toMatchObject({
      resultType: 'complete',
      supportedVersions: [MODERN_VERSION],
      capabilities: { tools: { listChanged: true } },
      ttlMs: expect.any(Number),
      cacheScope: 'public',
      _meta: SERVER_INFO,
    });
  });

  it('tools/list and tools/call answer with resultType, cache hints and serverInfo', async () => {
    const list = await modernPost(sandbox().mcpUrl, token(), 'tools/list');
    expect(list.response?.result).toMatchObject({
      resultType: 'complete',
      ttlMs: expect.any(Number),
      cacheScope: expect.stringMatching(/^(public|private)$/),
      _meta: SERVER_INFO,
    });
    const names = (list.response?.result?.tools as Array<{ name: string }>).map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['whoami', 'test_elicit', 'test_list_changed']));
    // Task support (`execution`) is an extension in 2026-07-28, not part of a core tool.
    expect(
      (list.response?.result?.tools as object[]).filter((tool) => 'execution' in tool),
    ).toEqual([]);

    const call = await modernPost(sandbox().mcpUrl, token(), 'tools/call', {
      name: 'whoami',
      arguments: {},
    });
    expect(call.response?.result).toMatchObject({ resultType: 'complete', _meta: SERVER_INFO });
    const [content] = call.response?.result?.content as Array<{ text: string }>;
    expect(JSON.parse(content!.text)).toMatchObject({ email: 'demo@splattr.test' });
  });

  it('a legacy client fails at initialize with a 400 that names the versions it speaks', async () => {
    const raw = await postJson(sandbox().mcpUrl, token(), legacyInitialize());
    expect(raw.status).toBe(400);
    expect(raw.json?.error).toMatchObject({
      code: -32022,
      data: { supported: [MODERN_VERSION], requested: '2025-11-25' },
    });
    expect(raw.json?.error.message).toContain('2026-07-28');

    const client = new Client({ name: 'old-app', version: '1' });
    const transport = new StreamableHTTPClientTransport(new URL(sandbox().mcpUrl), {
      requestInit: { headers: { Authorization: `Bearer ${token()}` } },
    });
    await expect(client.connect(transport)).rejects.toThrow(/2026-07-28/);
  });

  it('rejects missing or mismatched headers with HeaderMismatch (-32020) and a 400', async () => {
    const { mcpUrl } = sandbox();
    const cases = [
      { headers: { 'Mcp-Method': undefined }, says: /Mcp-Method header is required/ },
      { headers: { 'MCP-Protocol-Version': undefined }, says: /MCP-Protocol-Version/ },
      { headers: { 'Mcp-Method': 'tools/list' }, says: /'tools\/list' does not match/ },
      { headers: { 'Mcp-Name': 'test_large' }, says: /'test_large' does not match body/ },
      { headers: { 'Mcp-Name': undefined }, says: /Mcp-Name header is required/ },
      { headers: { 'MCP-Protocol-Version': '2025-11-25' }, says: /'2025-11-25' does not match/ },
    ];
    for (const { headers, says } of cases) {
      const answer = await modernPost(
        mcpUrl,
        token(),
        'tools/call',
        { name: 'whoami', arguments: {} },
        { headers },
      );
      expect(answer.status, JSON.stringify(headers)).toBe(400);
      expect(answer.response?.error?.code).toBe(-32020);
      expect(answer.response?.error?.message).toMatch(says);
    }
  });

  it('decodes a Base64-sentinel Mcp-Name before comparing it with the body', async () => {
    const encoded = `=?base64?${Buffer.from('whoami').toString('base64')}?=`;
    const answer = await modernPost(
      sandbox().mcpUrl,
      token(),
      'tools/call',
      { name: 'whoami', arguments: {} },
      { headers: { 'Mcp-Name': encoded } },
    );
    expect(answer.status).toBe(200);
    expect(answer.response?.result?.resultType).toBe('complete');
  });

  it('rejects a request without the required _meta fields with Invalid params (-32602)', async () => {
    for (const meta of [
      { 'io.modelcontextprotocol/protocolVersion': MODERN_VERSION },
      { 'io.modelcontextprotocol/clientCapabilities': {} },
    ]) {
      const answer = await modernPost(sandbox().mcpUrl, token(), 'tools/list', {}, { meta });
      expect(answer.status).toBe(400);
      expect(answer.response?.error?.code).toBe(-32602);
    }
  });

  it('answers a version it does not speak with UnsupportedProtocolVersion (-32022)', async () => {
    const answer = await listWithVersion(sandbox().mcpUrl, token(), '1900-01-01');
    expect(answer.status).toBe(400);
    expect(answer.response?.error).toMatchObject({
      code: -32022,
      data: { supported: [MODERN_VERSION], requested: '1900-01-01' },
    });
  });

  it('answers an unknown method (ping is gone) with 404 and -32601', async () => {
    const answer = await modernPost(sandbox().mcpUrl, token(), 'ping');
    expect(answer.status).toBe(404);
    expect(answer.response?.error?.code).toBe(-32601);
  });

  it('has no GET stream or sessions: GET and DELETE get 405, a session header is ignored', async () => {
    for (const method of ['GET', 'DELETE']) {
      const response = await fetch(sandbox().mcpUrl, {
        method,
        headers: { Authorization: `Bearer ${token()}`, Accept: 'text/event-stream' },
      });
      expect(response.status).toBe(405);
      await response.body?.cancel();
    }
    const answer = await modernPost(
      sandbox().mcpUrl,
      token(),
      'tools/list',
      {},
      { headers: { 'Mcp-Session-Id': 'left-over-session' } },
    );
    expect(answer.status).toBe(200);
    expect(answer.headers.get('mcp-session-id')).toBeNull();
  });

  it('subscriptions/listen acknowledges first, then carries tools list changes tagged with its id', async () => {
    const { mcpUrl } = sandbox();
    const stream = await modernStream(
      mcpUrl,
      token(),
      'subscriptions/listen',
      { notifications: { toolsListChanged: true, promptsListChanged: true } },
      { id: 'listen-1' },
    );
    expect(stream.contentType).toContain('text/event-stream');
    expect(await stream.next()).toEqual({
      jsonrpc: '2.0',
      method: 'notifications/subscriptions/acknowledged',
      params: {
        notifications: { toolsListChanged: true },
        _meta: { 'io.modelcontextprotocol/subscriptionId': 'listen-1' },
      },
    });
    const announced = await modernPost(mcpUrl, token(), 'tools/call', {
      name: 'test_list_changed',
      arguments: {},
    });
    expect(announced.response?.result?.resultType).toBe('complete');
    expect(await stream.next()).toEqual({
      jsonrpc: '2.0',
      method: 'notifications/tools/list_changed',
      params: { _meta: { 'io.modelcontextprotocol/subscriptionId': 'listen-1' } },
    });
    stream.close();
  });
});

describe('--era legacy: MCP 2025-11-25 sessions only', () => {
  const { sandbox, token } = signedInSandbox('legacy');

  it('answers a modern request with a 400 that carries no modern error, so clients fall back', async () => {
    for (const method of ['server/discover', 'tools/list']) {
      const answer = await modernPost(sandbox().mcpUrl, token(), method);
      expect(answer.status).toBe(400);
      expect(MODERN_CODES).not.toContain(answer.response?.error?.code);
    }
  });

  it('serves the SDK client, and sends list changes on its GET stream', async () => {
    const client = await connectMcp(sandbox().mcpUrl, token());
    const changed = new Promise<void>((resolve) =>
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => resolve()),
    );
    // The GET stream opens after initialize; a listener counted means it is ready to hear.
    let listeners = 0;
    for (let attempt = 0; attempt < 50 && listeners === 0; attempt++) {
      const text = toolText(await client.callTool({ name: 'test_list_changed', arguments: {} }));
      listeners = (JSON.parse(text) as { listeners: number }).listeners;
    }
    await changed;
    expect(listeners).toBe(1);
    await client.close();
  });
});

describe('--era dual: both, chosen per request', () => {
  const { sandbox, token } = signedInSandbox('dual');

  it('server/discover lists the modern version and the legacy ones it answers initialize with', async () => {
    const answer = await modernPost(sandbox().mcpUrl, token(), 'server/discover');
    const supported = answer.response?.result?.supportedVersions as string[];
    expect(supported[0]).toBe(MODERN_VERSION);
    expect(supported).toContain('2025-11-25');
  });

  it('serves a legacy session and modern requests side by side, one list change reaching both', async () => {
    const { mcpUrl } = sandbox();
    const legacy = await connectMcp(mcpUrl, token());
    const legacyHeard = new Promise<void>((resolve) =>
      legacy.setNotificationHandler(ToolListChangedNotificationSchema, () => resolve()),
    );
    const stream = await modernStream(
      mcpUrl,
      token(),
      'subscriptions/listen',
      { notifications: { toolsListChanged: true } },
      { id: 7 },
    );
    expect((await stream.next())?.method).toBe('notifications/subscriptions/acknowledged');

    expect(JSON.parse(toolText(await legacy.callTool({ name: 'whoami' }))).email).toBe(
      'demo@splattr.test',
    );
    let listeners = 0;
    for (let attempt = 0; attempt < 50 && listeners < 2; attempt++) {
      const answer = await modernPost(mcpUrl, token(), 'tools/call', {
        name: 'test_list_changed',
        arguments: {},
      });
      const [content] = answer.response?.result?.content as Array<{ text: string }>;
      listeners = (JSON.parse(content!.text) as { listeners: number }).listeners;
    }
    expect(listeners).toBe(2);
    await legacyHeard;
    const modernHeard = await stream.next();
    expect(modernHeard?.method).toBe('notifications/tools/list_changed');
    stream.close();
    await legacy.close();
  });

  it('serves a modern request statelessly even when it carries a left-over session header', async () => {
    const { mcpUrl } = sandbox();
    const legacy = await connectMcp(mcpUrl, token());
    const liveSession = legacy.transport?.sessionId;
    expect(liveSession).toEqual(expect.any(String));
    for (const sessionId of ['no-such-session', liveSession!]) {
      const answer = await modernPost(
        mcpUrl,
        token(),
        'tools/list',
        {},
        { headers: { 'Mcp-Session-Id': sessionId } },
      );
      expect(answer.status).toBe(200);
      expect(answer.response?.result?.resultType).toBe('complete');
    }
    // The legacy session beside it is untouched.
    expect((await legacy.listTools()).tools.length).toBeGreaterThan(0);
    await legacy.close();
  });

  it('counts the requests each era served, for tests of how a client probes', async () => {
    const { mcpUrl, origin, controlToken } = sandbox();
    const remote = remoteControls(origin, controlToken);
    await remote.resetMcpRequests();
    await modernPost(mcpUrl, token(), 'server/discover');
    const legacy = await connectMcp(mcpUrl, token());
    await legacy.listTools();
    await legacy.close();
    expect(await remote.mcpRequests()).toMatchObject({
      legacy: { initialize: 1, 'notifications/initialized': 1, 'tools/list': 1 },
      modern: { 'server/discover': 1 },
    });
    await remote.resetMcpRequests();
    expect(await remote.mcpRequests()).toEqual({ legacy: {}, modern: {} });
  });

  it('an unsupported version hears every version the server speaks, modern and legacy', async () => {
    const answer = await listWithVersion(sandbox().mcpUrl, token(), '2099-01-01');
    expect(answer.status).toBe(400);
    expect(answer.response?.error?.code).toBe(-32022);
    expect(answer.response?.error?.data?.supported).toEqual(
      expect.arrayContaining([MODERN_VERSION, '2025-11-25']),
    );
  });
});

describe('setMcpEra: Splattr upgraded or rolled back while clients are connected', () => {
  const sandbox = withSandbox({ era: 'legacy', testTools: true });

  it('ends legacy sessions when it turns modern, and serves legacy clients again after', async () => {
    const { mcpUrl, origin, controlToken, controls } = sandbox();
    const remote = remoteControls(origin, controlToken);
    const { accessToken } = await controls.issueTokens({ email: 'demo@splattr.test' });
    const discover = () => modernPost(mcpUrl, accessToken, 'server/discover');
    const legacy = await connectMcp(mcpUrl, accessToken);
    expect((await discover()).status).toBe(400);

    await remote.setMcpEra('modern');
    expect((await discover()).response?.result?.supportedVersions).toEqual([MODERN_VERSION]);
    // The old session's next request is a request without the modern headers: refused.
    await expect(legacy.callTool({ name: 'whoami' })).rejects.toThrow(/Mcp-Method/);

    await remote.setMcpEra('legacy');
    const discovered = await discover();
    expect(discovered.status).toBe(400);
    expect(MODERN_CODES).not.toContain(discovered.response?.error?.code);
    const again = await connectMcp(mcpUrl, accessToken);
    expect(JSON.parse(toolText(await again.callTool({ name: 'whoami' }))).email).toBe(
      'demo@splattr.test',
    );
    await again.close();
    await legacy.close().catch(() => undefined);
    await expect(remote.setMcpEra('future' as never)).rejects.toThrow(/era/);
  });
});

describe('auth is the same in every era', () => {
  const modern = withSandbox({ era: 'modern' });
  const legacy = withSandbox({ era: 'legacy' });

  it('a request without a token gets the same 401 challenge, modern or legacy', async () => {
    const answers = await Promise.all(
      [modern(), legacy()].map(async (sandbox) => {
        const answer = await modernPost(sandbox.mcpUrl, undefined, 'tools/list');
        const challenge = answer.headers.get('www-authenticate') ?? '';
        return { status: answer.status, challenge: challenge.replace(sandbox.origin, 'ORIGIN') };
      }),
    );
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0]).toEqual({
      status: 401,
      challenge: 'Bearer resource_metadata="ORIGIN/.well-known/oauth-protected-resource/mcp"',
    });
  });

  it('a revoked token gets invalid_token in the modern era too', async () => {
    const { controls, mcpUrl } = modern();
    const { accessToken } = await controls.issueTokens({ email: 'bob@globex.test' });
    expect((await modernPost(mcpUrl, accessToken, 'tools/list')).status).toBe(200);
    await controls.revokeAccount('bob@globex.test');
    const answer = await modernPost(mcpUrl, accessToken, 'tools/list');
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });
});
