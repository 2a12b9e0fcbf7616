import http from 'node:http';
import type https from 'node:https';

/** How one request reaches its server: the module's `request` and the agent that pools sockets. */
export interface HttpTransport {
  request: typeof http.request;
  agent: http.Agent;
}

export type TransportFor = (url: URL) => Promise<HttpTransport>;

/**
 * The one place where the bridge chooses how to reach a URL. Every request it makes (MCP
 * messages, the event streams, token refresh) asks here, so a proxy or extra CA certificates
 * (an agent per URL) plug in at this seam and nowhere else. Sockets are kept alive, as by fetch.
 */
export function createTransportFor(): TransportFor {
  const agents = new Map<string, http.Agent>();
  let httpsModule: Promise<typeof https> | undefined;

  return async (url) => {
    if (url.protocol === 'http:') {
      const agent = agents.get('http:') ?? new http.Agent({ keepAlive: true });
      agents.set('http:', agent);
      return { request: http.request, agent };
    }
    if (url.protocol !== 'https:') {
      throw new TypeError(`fetch failed: ${url.protocol} is not supported`);
    }
    // TLS is loaded only for an https server: it is a large part of what Node loads otherwise.
    const secure = await (httpsModule ??= import('node:https'));
    const agent = agents.get('https:') ?? new secure.Agent({ keepAlive: true });
    agents.set('https:', agent);
    return { request: secure.request, agent };
  };
}
