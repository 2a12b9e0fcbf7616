import type * as Undici from 'undici';
import { networkFailure } from './failure';
import { proxyFor, type NetworkSettings } from './proxy';
import { trustedContext } from './trust';

export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

/**
 * The fetch of the app and the CLI (sign-in, refresh, revoke): undici's own, with a dispatcher
 * that sends each request, redirects included, directly or through the proxy `proxyFor` names
 * (CONNECT for https, absolute-URI requests for http), every TLS connection trusting the
 * system's certificates too. undici's fetch rather than the global one: Node bundles its own
 * undici, whose version need not accept this one's dispatchers. Loaded on first use, so the
 * CLI's quick commands do not pay for it. `settings` is read per request: a proxy saved in
 * Settings applies to the next sign-in.
 *
 * A request the network refused for a reason a person can fix (proxy unreachable, certificate
 * not trusted) rejects with that CompanionError; any other failure as fetch's own TypeError.
 */
export function createNetworkFetch(settings: () => NetworkSettings): FetchLike {
  let loaded: Promise<{ fetch: typeof Undici.fetch; dispatcher: Undici.Dispatcher }> | undefined;
  const load = async () => {
    const undici = await import('undici');
    return { fetch: undici.fetch, dispatcher: routingDispatcher(undici, settings) };
  };

  return async (input, init) => {
    const { fetch, dispatcher } = await (loaded ??= load());
    try {
      // undici declares its own Request/Response types; they are the same WHATWG classes' API.
      const response = await fetch(input, { ...init, dispatcher } as Undici.RequestInit);
      return response as unknown as Response;
    } catch (error) {
      throw networkFailure(error, proxyFor(new URL(input), settings())) ?? error;
    }
  };
}

function routingDispatcher(
  undici: typeof Undici,
  settings: () => NetworkSettings,
): Undici.Dispatcher {
  // The trusted context is built only once an https connection needs it.
  const tls = (needed: boolean) => (needed ? { secureContext: trustedContext() } : undefined);
  const connectors = new Map<string, Undici.buildConnector.connector>();
  const direct = new undici.Agent({
    connect: (options, callback) => {
      const secure = options.protocol === 'https:';
      let connector = connectors.get(options.protocol);
      if (!connector) {
        connector = undici.buildConnector({ ...tls(secure) });
        connectors.set(options.protocol, connector);
      }
      connector(options, callback);
    },
  });
  const proxied = new Map<string, Undici.Dispatcher>();

  class RoutingDispatcher extends undici.Dispatcher {
    override dispatch(
      options: Undici.Dispatcher.DispatchOptions,
      handler: Undici.Dispatcher.DispatchHandler,
    ): boolean {
      const target = new URL(String(options.origin));
      const proxy = proxyFor(target, settings());
      if (!proxy) return direct.dispatch(options, handler);
      const key = `${target.protocol} ${proxy.href}`;
      let through = proxied.get(key);
      if (!through) {
        through = new undici.ProxyAgent({
          uri: proxy.href,
          proxyTunnel: false,
          requestTls: tls(target.protocol === 'https:'),
          proxyTls: tls(proxy.protocol === 'https:'),
        });
        proxied.set(key, through);
      }
      return through.dispatch(options, handler);
    }
  }
  return new RoutingDispatcher();
}
