import http from 'node:http';
import type https from 'node:https';
import type { HttpsProxyAgent as ProxyAgentType } from 'https-proxy-agent';
import { networkFailure, proxyRefusal } from './failure';
import { proxyFor, type NetworkSettings } from './proxy';

/** What node:http code needs to send one request to a URL. */
export interface Transport {
  request: typeof http.request;
  agent: http.Agent;
  /** The error to give the caller for a request's 'error': a sentence when the network has one. */
  failure(error: unknown): Error;
}

/**
 * How a request reaches a URL. The bridge asks it for every request it makes (MCP messages, the
 * event streams, token refresh), so proxies and trusted certificates apply everywhere.
 */
export type TransportFor = (url: URL) => Promise<Transport>;

/**
 * Picks, for each URL, the keep-alive agent that reaches it: directly, or through the proxy the
 * environment or the setting names (CONNECT for https, absolute-URI requests for http, as
 * https-proxy-agent and http-proxy-agent do). Every TLS connection, to Splattr or to an https
 * proxy, trusts the system's certificates too (see trustedContext). TLS and the proxy libraries
 * are loaded only when a URL needs them, so a bridge talking plain HTTP pays for neither.
 */
export function createTransports(settings: NetworkSettings): TransportFor {
  const agents = new Map<string, Promise<http.Agent>>();
  // A bridge's environment and settings do not change while it runs: one decision per origin
  // keeps the proxy rules off the path of every request.
  const byOrigin = new Map<string, Promise<Transport>>();
  let httpsModule: Promise<typeof https> | undefined;
  const loadHttps = () => (httpsModule ??= import('node:https'));

  async function transportFor(url: URL): Promise<Transport> {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TypeError(`fetch failed: ${url.protocol} is not supported`);
    }
    const proxy = proxyFor(url, settings);
    const key = `${url.protocol} ${proxy?.href ?? 'direct'}`;
    let agent = agents.get(key);
    if (!agent) {
      agent = createAgent(url.protocol, proxy, loadHttps);
      agents.set(key, agent);
    }
    return {
      request: url.protocol === 'https:' ? (await loadHttps()).request : http.request,
      agent: await agent,
      failure: (error) =>
        networkFailure(error, proxy) ?? new TypeError('fetch failed', { cause: error }),
    };
  }

  return (url) => {
    let transport = byOrigin.get(url.origin);
    if (!transport) {
      transport = transportFor(url);
      // A refused URL (a bad proxy address) is decided again next time, not remembered.
      transport.catch(() => byOrigin.delete(url.origin));
      byOrigin.set(url.origin, transport);
    }
    return transport;
  };
}

async function createAgent(
  protocol: string,
  proxy: URL | undefined,
  loadHttps: () => Promise<typeof https>,
): Promise<http.Agent> {
  if (!proxy && protocol === 'http:') return new http.Agent({ keepAlive: true });
  // Loaded here, not imported at the top: node:tls and node:crypto cost a bridge about 6 MiB
  // resident, which one that never speaks TLS should not pay (bench/README.md).
  const { trustedContext } = await import('./trust');
  const toProxy = proxy?.protocol === 'https:' ? { secureContext: trustedContext() } : {};
  if (!proxy) {
    const { Agent } = await loadHttps();
    return new Agent({ keepAlive: true, secureContext: trustedContext() });
  }
  if (protocol === 'http:') {
    const { HttpProxyAgent } = await import('http-proxy-agent');
    return new HttpProxyAgent(proxy, { keepAlive: true, ...toProxy });
  }
  const { HttpsProxyAgent } = await import('https-proxy-agent');
  // The agent hands the tunnelled TLS handshake the request's options, not its own.
  class TrustingHttpsProxyAgent extends HttpsProxyAgent<string> {
    override connect(
      request: http.ClientRequest,
      options: Parameters<ProxyAgentType<string>['connect']>[1],
    ) {
      return super.connect(
        request,
        options.secureEndpoint ? { ...options, secureContext: trustedContext() } : options,
      );
    }
  }
  const agent = new TrustingHttpsProxyAgent(proxy, { keepAlive: true, ...toProxy });
  // The library hands a refused CONNECT's answer (a 407, a 403) to the request as if Splattr
  // had sent it; it is the proxy's, and says so.
  agent.on('proxyConnect', (answer: { statusCode: number }, request: http.ClientRequest) => {
    if (answer.statusCode !== 200) request.destroy(proxyRefusal(answer.statusCode));
  });
  return agent;
}
