import { describe, expect, it } from 'vitest';
import { proxyFor, proxyLabel } from '../../../src/core/net/proxy';
import { parseProxySetting } from '../../../src/shared/proxy';
import { thrownCompanionError } from '../../helpers/companionError';

const PROXY = 'http://proxy.corp.test:3128';

function via(target: string, env: NodeJS.ProcessEnv, proxyUrl?: string): string | undefined {
  return proxyFor(new URL(target), { env, proxyUrl })?.href;
}

describe('which requests go through a proxy', () => {
  it('uses HTTPS_PROXY for https and HTTP_PROXY for http, in either case, lower case first', () => {
    const env = { HTTPS_PROXY: 'http://secure.test:1', HTTP_PROXY: 'http://plain.test:2' };
    expect(via('https://mcp.splattr.com/mcp', env)).toBe('http://secure.test:1/');
    expect(via('http://mcp.splattr.com/mcp', env)).toBe('http://plain.test:2/');
    expect(via('https://mcp.splattr.com/mcp', { https_proxy: PROXY, HTTPS_PROXY: 'x:1' })).toBe(
      `${PROXY}/`,
    );
    expect(via('https://mcp.splattr.com/mcp', { HTTP_PROXY: PROXY })).toBeUndefined();
    expect(via('https://mcp.splattr.com/mcp', {})).toBeUndefined();
  });

  it('takes a bare host:port as http, and the setting over the environment', () => {
    expect(via('https://mcp.splattr.com/mcp', { HTTPS_PROXY: 'proxy.corp.test:3128' })).toBe(
      `${PROXY}/`,
    );
    expect(via('http://127.0.0.1:9/mcp', { HTTP_PROXY: 'http://env.test:1' }, PROXY)).toBe(
      `${PROXY}/`,
    );
  });

  it('proxies loopback like any host unless NO_PROXY names it', () => {
    expect(via('http://127.0.0.1:4000/mcp', { HTTP_PROXY: PROXY })).toBe(`${PROXY}/`);
    expect(via('http://localhost:4000/mcp', { HTTP_PROXY: PROXY })).toBe(`${PROXY}/`);
    expect(via('http://127.0.0.1:4000/mcp', { HTTP_PROXY: PROXY, NO_PROXY: '127.0.0.1' })).toBe(
      undefined,
    );
    expect(via('http://[::1]:4000/mcp', { HTTP_PROXY: PROXY, no_proxy: '::1' })).toBeUndefined();
    expect(via('http://[::1]:4000/mcp', { HTTP_PROXY: PROXY, no_proxy: '[::1]:4000' })).toBe(
      undefined,
    );
  });

  it('matches NO_PROXY entries by host, subdomain, port and wildcard', () => {
    const env = (noProxy: string) => ({ HTTPS_PROXY: PROXY, NO_PROXY: noProxy });
    const target = 'https://mcp.splattr.com/mcp';
    for (const bypass of [
      'splattr.com',
      '.splattr.com',
      '*.splattr.com',
      'mcp.splattr.com:443',
      '*',
      'a.test, splattr.com',
      'a.test splattr.com',
    ]) {
      expect(via(target, env(bypass)), bypass).toBeUndefined();
    }
    for (const kept of ['plattr.com', 'mcp.splattr.com:8443', 'other.test', 'com.splattr', '']) {
      expect(via(target, env(kept)), kept).toBe(`${PROXY}/`);
    }
    // NO_PROXY applies to the setting's proxy as well.
    expect(via(target, { NO_PROXY: 'splattr.com' }, PROXY)).toBeUndefined();
  });

  it('refuses a proxy address that is not one, naming where it was written', () => {
    const error = thrownCompanionError(() =>
      via('https://mcp.splattr.com', { HTTPS_PROXY: 'ftp://x' }),
    );
    expect(error.code).toBe('invalid_input');
    expect(error.message).toContain('in HTTPS_PROXY');
  });
});

describe('the proxy setting', () => {
  it('refuses credentials, which the settings file must not hold', () => {
    const error = thrownCompanionError(() =>
      parseProxySetting('http://me:pw-4711@proxy.test:8080'),
    );
    expect(error.code).toBe('invalid_input');
    expect(error.message).toContain('HTTPS_PROXY');
    expect(error.message).not.toContain('pw-4711');
    expect(() => parseProxySetting('not a url at all')).toThrow(/not valid/);
    expect(parseProxySetting('proxy.test:8080').href).toBe('http://proxy.test:8080/');
  });

  it('is shown without the credentials an environment proxy may carry', () => {
    expect(proxyLabel(new URL('http://me:secret@proxy.test:8080'))).toBe('proxy.test:8080');
  });
});
