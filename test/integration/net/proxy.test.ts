import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetworkFetch } from '../../../src/core/net/fetch';
import { openRegistry } from '../../../src/core/registry/registry';
import {
  createBridgedConnection,
  firstAnswer,
  type BridgedConnection,
} from '../../helpers/bridgedConnection';
import { addCursorThroughCli, runCli, withCliHome } from '../../helpers/cli';
import { createTestCompanion } from '../../../support/companion';
import { companionError } from '../../helpers/companionError';
import {
  startForwardProxy,
  unreachableProxyUrl,
  type ForwardProxy,
} from '../../helpers/forwardProxy';
import { withSandbox } from '../../helpers/sandbox';

describe('the bridge behind a proxy', () => {
  const sandbox = withSandbox();
  let proxy: ForwardProxy;
  let bridged: BridgedConnection;
  const mcpPath = () => new URL(sandbox().mcpUrl).pathname;

  beforeAll(async () => {
    proxy = await startForwardProxy();
    bridged = await createBridgedConnection(sandbox());
  });
  afterAll(async () => {
    await bridged?.dispose();
    await proxy?.close();
  });

  it('sends its calls through HTTP_PROXY, loopback included, unless NO_PROXY names the host', async () => {
    const client = await bridged.startBridge({ HTTP_PROXY: proxy.url });
    const { tools } = await client.listTools();
    expect(tools.length).toBeGreaterThan(0);
    expect(proxy.pathsTo(sandbox().origin)).toContain(mcpPath());

    // A proxy of its own, so that nothing the first bridge still sends is counted.
    const bypassed = await startForwardProxy();
    try {
      const env = { http_proxy: bypassed.url, NO_PROXY: 'localhost, 127.0.0.1' };
      const bypassing = await bridged.startBridge(env);
      expect((await bypassing.listTools()).tools).toHaveLength(tools.length);
      expect(bypassed.seen).toEqual([]);
    } finally {
      await bypassed.close();
    }
  });

  it('gives the proxy the user name and password HTTP_PROXY carries', async () => {
    const own = await startForwardProxy();
    try {
      const withCredentials = own.url.replace('http://', 'http://ada:pw%2F4711@');
      expect(await firstAnswer(bridged, { HTTP_PROXY: withCredentials })).toEqual({
        tools: expect.any(Number),
      });
      const basic = `Basic ${Buffer.from('ada:pw/4711').toString('base64')}`;
      expect(own.seen.length).toBeGreaterThan(0);
      expect(own.seen.every((entry) => entry.credentials === basic)).toBe(true);
    } finally {
      await own.close();
    }
  });

  it('uses the proxy saved in Settings when the client gives it no environment', async () => {
    const { service, dataDir } = bridged;
    const saved = await service.setSettings({ serverUrl: sandbox().mcpUrl, proxyUrl: proxy.url });
    expect(saved.proxyUrl).toBe(proxy.url);
    expect(await readFile(path.join(dataDir, 'registry.json'), 'utf8')).toContain(proxy.url);

    const before = proxy.pathsTo(sandbox().origin).length;
    expect(await firstAnswer(bridged, {})).toEqual({ tools: expect.any(Number) });
    expect(proxy.pathsTo(sandbox().origin).length).toBeGreaterThan(before);

    await service.setSettings({ serverUrl: sandbox().mcpUrl, proxyUrl: '' });
    expect((await service.getSettings({})).proxyUrl).toBeUndefined();
  });

  it('refuses a proxy setting with a password, and saves nothing', async () => {
    const { service, dataDir } = bridged;
    const refused = await companionError(
      service.setSettings({
        serverUrl: sandbox().mcpUrl,
        proxyUrl: 'http://me:pw-4711@proxy.test:3128',
      }),
    );
    expect(refused.code).toBe('invalid_input');
    expect(refused.message).not.toContain('pw-4711');
    expect(await readFile(path.join(dataDir, 'registry.json'), 'utf8')).not.toContain('pw-4711');
    expect((await service.getSettings({})).proxyUrl).toBeUndefined();
  });

  it('answers with one sentence naming the proxy when it cannot be reached', async () => {
    const unreachable = await unreachableProxyUrl();
    const { port } = new URL(unreachable);
    const answer = await firstAnswer(bridged, { HTTP_PROXY: unreachable });
    expect(answer.error).toContain(`The proxy server 127.0.0.1:${port} could not be reached.`);
    expect(answer.error).not.toMatch(/\n\s+at /);
  });
});

describe('sign-in behind a proxy', () => {
  const cli = withCliHome('splattr-proxy-', { BROWSER: '/bin/false' });
  let proxy: ForwardProxy;

  beforeAll(async () => {
    proxy = await startForwardProxy();
  });
  afterAll(async () => {
    await proxy?.close();
  });

  it('stops at once with the proxy sentence when the proxy cannot be reached', async () => {
    const unreachable = await unreachableProxyUrl();
    const added = await runCli(['add', 'cursor', '--no-open'], {
      ...cli().env,
      HTTP_PROXY: unreachable,
    }).done;
    expect(added.code).not.toBe(0);
    expect(added.stderr).toContain(
      `The proxy server 127.0.0.1:${new URL(unreachable).port} could not be reached.`,
    );
    expect(added.stderr).not.toMatch(/\n\s+at /);
    expect(openRegistry({ dataDir: cli().dataDir }).list()).toEqual([]);
  });

  it('discovers, registers, exchanges and revokes through HTTP_PROXY', async () => {
    const { browser, env, sandbox, dataDir, seen } = cli();
    const proxied = { ...env, HTTP_PROXY: proxy.url };
    const added = await addCursorThroughCli(browser, proxied);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);

    const [record] = openRegistry({ dataDir }).list();
    if (!record) throw new Error('add left no connection');
    seen.add(record.id);
    const paths = proxy.pathsTo(sandbox.origin);
    const pathOf = (url: string | undefined) => new URL(url ?? 'missing:').pathname;
    expect(paths.some((p) => p.startsWith('/.well-known/'))).toBe(true);
    expect(paths).toContain(pathOf(record.server.registrationEndpoint));
    expect(paths).toContain(pathOf(record.server.tokenEndpoint));

    const removed = await runCli(['remove', record.id, '--yes'], proxied).done;
    expect(removed.code).toBe(0);
    expect(proxy.pathsTo(sandbox.origin)).toContain(pathOf(record.server.revocationEndpoint));
  });

  it('signs in and revokes through the proxy saved in Settings, with none in the environment', async () => {
    const { browser, sandbox } = cli();
    const companion = await createTestCompanion(sandbox, browser);
    const own = await startForwardProxy();
    try {
      const { service } = companion;
      await service.setSettings({ serverUrl: sandbox.mcpUrl, proxyUrl: own.url });
      const { connection } = await service.add({ client: 'cursor' });
      const [record] = openRegistry({ dataDir: companion.dataDir }).list();
      expect(own.pathsTo(sandbox.origin)).toContain(
        new URL(record?.server.tokenEndpoint ?? 'missing:').pathname,
      );
      await service.remove({ id: connection.id });
      expect(own.pathsTo(sandbox.origin)).toContain(
        new URL(record?.server.revocationEndpoint ?? 'missing:').pathname,
      );
    } finally {
      await companion.dispose();
      await own.close();
    }
  });

  it('tells a proxy that wants a password from one that will not reach Splattr', async () => {
    const guarded = await startForwardProxy({ requires: 'ada:pw-4711' });
    try {
      const { port } = new URL(guarded.url);
      const nothingListens = new URL(await unreachableProxyUrl()).port;
      const fetchVia = (proxy: string) =>
        createNetworkFetch(() => ({ env: { HTTPS_PROXY: proxy } }))(
          `https://127.0.0.1:${nothingListens}/mcp`,
        );
      const noPassword = await companionError(fetchVia(guarded.url));
      expect(noPassword.code).toBe('proxy_refused');
      expect(noPassword.message).toContain(`127.0.0.1:${port} asks for a user name and password`);

      // The proxy lets the request in, but nothing listens where it is sent.
      const unreachableHost = await companionError(
        fetchVia(guarded.url.replace('http://', 'http://ada:pw-4711@')),
      );
      expect(unreachableHost.code).toBe('proxy_refused');
      expect(unreachableHost.message).toContain('refused to connect to Splattr (it answered 502)');
      expect(unreachableHost.message).not.toContain('pw-4711');
    } finally {
      await guarded.close();
    }
  });
});
