import { parseProxyAddress } from '../../shared/proxy';

/** Where the proxy for a request comes from: the person's environment and the app's setting. */
export interface NetworkSettings {
  env: NodeJS.ProcessEnv;
  /**
   * The proxy URL from the app's advanced settings. It wins over HTTPS_PROXY / HTTP_PROXY: it is
   * the one choice made for Splattr itself, and the only one a bridge launched by a client
   * without the person's environment can see. NO_PROXY still applies to it.
   */
  proxyUrl?: string;
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/**
 * The proxy a request to `target` goes through, or undefined to connect directly.
 *
 * The usual rules, as curl, undici's EnvHttpProxyAgent and Node's own NODE_USE_ENV_PROXY apply
 * them: HTTPS_PROXY for https URLs, HTTP_PROXY for http URLs, either case (lower case first);
 * NO_PROXY is a comma- or space-separated list of hosts (`example.com` also covers its
 * subdomains; a leading `.` or `*.` is the same), each optionally with `:port`, or `*` for every
 * host. Nothing else is exempt: loopback is proxied unless NO_PROXY names it. Hand-written
 * because the bridge (node:http agents) and sign-in (undici) must take the very same decision
 * from the environment *and* the setting, and the libraries each read only `process.env`.
 */
export function proxyFor(target: URL, settings: NetworkSettings): URL | undefined {
  const { env } = settings;
  const names =
    target.protocol === 'https:' ? ['https_proxy', 'HTTPS_PROXY'] : ['http_proxy', 'HTTP_PROXY'];
  const fromEnv = names.find((name) => env[name]?.trim());
  const [configured, source] = settings.proxyUrl?.trim()
    ? [settings.proxyUrl, 'in Settings']
    : fromEnv
      ? [env[fromEnv] ?? '', `in ${fromEnv}`]
      : [];
  if (!configured || !source) return undefined;
  if (bypassed(target, [env.no_proxy, env.NO_PROXY].find((value) => value?.trim()) ?? '')) {
    return undefined;
  }
  return parseProxyAddress(configured, source);
}

/** The proxy as it may be shown: host and port, never the credentials a proxy URL can carry. */
export function proxyLabel(proxy: URL): string {
  return proxy.port ? `${proxy.hostname}:${proxy.port}` : proxy.hostname;
}

function bypassed(target: URL, noProxy: string): boolean {
  const host = target.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = Number(target.port) || DEFAULT_PORTS[target.protocol] || 0;
  return noProxy
    .split(/[,\s]+/)
    .filter(Boolean)
    .some((entry) => {
      if (entry === '*') return true;
      const { name, port: entryPort } = splitHostPort(entry);
      if (entryPort !== undefined && entryPort !== port) return false;
      const suffix = name.toLowerCase().replace(/^\*?\./, '');
      return host === suffix || host.endsWith(`.${suffix}`);
    });
}

/** `host`, `host:port`, `[v6]`, `[v6]:port`, or a bare IPv6 address (which has no port). */
function splitHostPort(entry: string): { name: string; port?: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { name: bracketed[1]!, port: optionalNumber(bracketed[2]) };
  const hostPort = /^([^:]+):(\d+)$/.exec(entry);
  if (hostPort) return { name: hostPort[1]!, port: optionalNumber(hostPort[2]) };
  return { name: entry };
}

function optionalNumber(digits: string | undefined): number | undefined {
  return digits === undefined ? undefined : Number(digits);
}
