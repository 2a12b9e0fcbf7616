import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_MESSAGES } from '../../../src/shared/errors';
import {
  createBridgedConnection,
  firstAnswer,
  type BridgedConnection,
} from '../../helpers/bridgedConnection';
import { startForwardProxy, type ForwardProxy } from '../../helpers/forwardProxy';
import { withSandbox } from '../../helpers/sandbox';
import { startTcpProxy, type TcpProxy } from '../../helpers/tcpProxy';
import { createTestCa, type TestCa } from '../../../support/testCa';

describe('a Splattr whose certificate a company CA signed', () => {
  const sandbox = withSandbox();
  let dir: string;
  let ca: TestCa;
  let front: TcpProxy;
  let proxy: ForwardProxy;
  let bridged: BridgedConnection;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'splattr-ca-'));
    ca = await createTestCa(dir);
    front = await startTcpProxy(Number(new URL(sandbox().origin).port), {
      tls: { key: ca.server.keyPem, cert: ca.server.certPem },
    });
    proxy = await startForwardProxy();
    bridged = await createBridgedConnection(sandbox(), { serverUrl: `${front.origin}/mcp` });
  });
  afterAll(async () => {
    await bridged?.dispose();
    await Promise.all([front?.close(), proxy?.close()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is refused with the certificate sentence when nothing on this computer trusts the CA', async () => {
    const answer = await firstAnswer(bridged, {});
    expect(answer.error).toContain(ERROR_MESSAGES.certificate_untrusted);
  });

  it('is trusted through NODE_EXTRA_CA_CERTS', async () => {
    expect(await firstAnswer(bridged, { NODE_EXTRA_CA_CERTS: ca.certFile })).toEqual({
      tools: expect.any(Number),
    });
  });

  it("is trusted through the system's certificate bundle (SSL_CERT_FILE names it, as for OpenSSL)", async () => {
    expect(await firstAnswer(bridged, { SSL_CERT_FILE: ca.certFile })).toEqual({
      tools: expect.any(Number),
    });
  });

  it('is reached through an HTTPS_PROXY tunnel, the CA still checked end to end', async () => {
    const env = { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: ca.certFile };
    expect(await firstAnswer(bridged, env)).toEqual({ tools: expect.any(Number) });
    expect(proxy.seen).toContainEqual({ kind: 'tunnel', target: new URL(front.origin).host });

    const untrusted = await firstAnswer(bridged, { HTTPS_PROXY: proxy.url });
    expect(untrusted.error).toContain(ERROR_MESSAGES.certificate_untrusted);
  });

  it('says when the proxy wants a password, and passes it from HTTPS_PROXY', async () => {
    const guarded = await startForwardProxy({ requires: 'ada:pw-4711' });
    try {
      const { port } = new URL(guarded.url);
      const trust = { NODE_EXTRA_CA_CERTS: ca.certFile };
      const refused = await firstAnswer(bridged, { ...trust, HTTPS_PROXY: guarded.url });
      expect(refused.error).toContain(
        `The proxy server 127.0.0.1:${port} asks for a user name and password.`,
      );
      const withPassword = guarded.url.replace('http://', 'http://ada:pw-4711@');
      expect(await firstAnswer(bridged, { ...trust, HTTPS_PROXY: withPassword })).toEqual({
        tools: expect.any(Number),
      });
    } finally {
      await guarded.close();
    }
  });

  it('speaks TLS to an https:// proxy, trusting its certificate the same way', async () => {
    const secureProxy = await startForwardProxy({
      tls: { key: ca.server.keyPem, cert: ca.server.certPem },
    });
    try {
      const env = { HTTPS_PROXY: secureProxy.url, NODE_EXTRA_CA_CERTS: ca.certFile };
      expect(await firstAnswer(bridged, env)).toEqual({ tools: expect.any(Number) });
      expect(secureProxy.seen).toContainEqual({
        kind: 'tunnel',
        target: new URL(front.origin).host,
      });
      const untrusted = await firstAnswer(bridged, { HTTPS_PROXY: secureProxy.url });
      expect(untrusted.error).toContain(ERROR_MESSAGES.certificate_untrusted);
    } finally {
      await secureProxy.close();
    }
  });
});
