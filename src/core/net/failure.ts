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
 * proxy that cannot be reached, or a certificate this computer does not trust. Undefined when
 * the reason is Splattr's own (down, unreachable), which callers already put in their words.
 */
export function networkFailure(error: unknown, proxy: URL | undefined): CompanionError | undefined {
  const codes = errorCodes(error);
  if (codes.some((code) => UNTRUSTED.has(code))) {
    return new CompanionError('certificate_untrusted', undefined, { cause: error });
  }
  if (proxy && codes.some((code) => UNREACHABLE.has(code))) {
    return new CompanionError(
      'proxy_unreachable',
      `The proxy server ${proxyLabel(proxy)} could not be reached. Check the proxy address in Settings (or HTTPS_PROXY / HTTP_PROXY) and your network, then try again.`,
      { cause: error },
    );
  }
  return undefined;
}

/** Every `code` in an error's chain: fetch wraps the socket's error, happy eyeballs groups them. */
function errorCodes(error: unknown, depth = 0): string[] {
  if (!(error instanceof Error) || depth > 5) return [];
  const own = (error as { code?: unknown }).code;
  const nested = [
    error.cause,
    ...(error instanceof AggregateError ? (error.errors as unknown[]) : []),
  ].flatMap((inner) => errorCodes(inner, depth + 1));
  return typeof own === 'string' ? [own, ...nested] : nested;
}
