import { CompanionError } from '../../shared/errors';
import { proxyLabel } from './proxy';

/** The failures of a TCP connection that never opened: at the proxy, when one is in use. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** OpenSSL's verdicts on a certificate chain the trusted certificates do not vouch for. */
const UNTRUSTED = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * The sentence for a request that failed before any answer, when the network itself says why: a
 * proxy that cannot be reached or will not open a tunnel to Splattr, or a certificate this
 * computer does not trust. Undefined when the reason is Splattr's own (down, unreachable), which
 * callers already put in their words.
 */
export function networkFailure(error: unknown, proxy: URL | undefined): CompanionError | undefined {
  const chain = errorChain(error);
  const codes = chain.flatMap((inner) => {
    const code = (inner as { code?: unknown }).code;
    return typeof code === 'string' ? [code] : [];
  });
  if (codes.some((code) => UNTRUSTED.has(code))) {
    return new CompanionError('certificate_untrusted', undefined, { cause: error });
  }
  if (!proxy) return undefined;
  const label = proxyLabel(proxy);
  const refusal = chain.map(proxyStatusOf).find((status) => status !== undefined);
  if (refusal === 407) {
    return new CompanionError(
      'proxy_refused',
      `The proxy server ${label} asks for a user name and password. Put them in HTTPS_PROXY (http://user:password@${label}), then try again.`,
      { cause: error },
    );
  }
  if (refusal !== undefined) {
    return new CompanionError(
      'proxy_refused',
      `The proxy server ${label} refused to connect to Splattr (it answered ${refusal}). Ask your IT department to allow Splattr’s address, then try again.`,
      { cause: error },
    );
  }
  if (codes.some((code) => UNREACHABLE.has(code))) {
    return new CompanionError(
      'proxy_unreachable',
      `The proxy server ${label} could not be reached. Check the proxy address in Settings (or HTTPS_PROXY / HTTP_PROXY) and your network, then try again.`,
      { cause: error },
    );
  }
  return undefined;
}

/** The error of a request whose CONNECT the proxy answered with `status` instead of 200. */
export function proxyRefusal(status: number): Error {
  return Object.assign(new Error(`The proxy answered CONNECT with ${status}.`), {
    proxyStatus: status,
  });
}

/** Ours (proxyRefusal), or undici's, which says it only in its message. */
function proxyStatusOf(error: Error): number | undefined {
  const own = (error as { proxyStatus?: unknown }).proxyStatus;
  if (typeof own === 'number') return own;
  const undici = /^Proxy response \((\d{3})\) !== 200/.exec(error.message);
  return undici ? Number(undici[1]) : undefined;
}

/** An error and its causes: fetch wraps the socket's error, happy eyeballs groups several. */
function errorChain(error: unknown, depth = 0): Error[] {
  if (!(error instanceof Error) || depth > 5) return [];
  const inner = [
    error.cause,
    ...(error instanceof AggregateError ? (error.errors as unknown[]) : []),
  ];
  return [error, ...inner.flatMap((next) => errorChain(next, depth + 1))];
}
