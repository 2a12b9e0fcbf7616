import {
  checkResourceAllowed,
  resourceUrlFromServerUrl,
} from '@modelcontextprotocol/sdk/shared/auth-utils.js';
import { CompanionError, type ErrorCode } from '../../shared/errors';

/**
 * Loopback hosts as the WHATWG URL parser leaves them: IPv4 shorthands such as `127.1` are
 * already expanded, and IPv6 keeps its brackets.
 */
function isLoopbackHost(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  );
}

/** https, or http to this computer only (a sandbox or a local Splattr): nothing else leaves it. */
export function isSecureUrl(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
}

/**
 * Parses a URL sign-in will send something to, refusing it before any request unless it is
 * https (MCP authorization, communication security) or plain http to a loopback host.
 * `what` names it in the sentence, e.g. "The Splattr server address".
 */
export function requireSecureUrl(
  value: string | URL,
  what: string,
  code: ErrorCode = 'server_unsupported',
): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CompanionError(code, `${what} is not a valid URL.`);
  }
  if (!isSecureUrl(url)) {
    throw new CompanionError(
      code,
      `${what} must start with https:// (plain http:// is allowed only for this computer: localhost, 127.0.0.1 or ::1), so it was not contacted.`,
    );
  }
  return url;
}

/** The check for an address a person typed (Settings, `--server`, the app). */
export function requireSecureServerUrl(value: string): URL {
  return requireSecureUrl(value, 'The Splattr server address', 'invalid_input');
}

/**
 * The bridge's check before it sends a token anywhere: the address the registry gives must
 * pass the https rule and be the resource the connection signed in for. The registry is a
 * file any process of the person can edit; the tokens are bound to that resource.
 */
export function checkConnectionTarget(serverUrl: string, server: { resource: string }): void {
  const url = requireSecureUrl(
    serverUrl,
    'The Splattr address recorded for this connection',
    'registry_invalid',
  );
  if (
    !checkResourceAllowed({
      requestedResource: resourceUrlFromServerUrl(url),
      configuredResource: server.resource,
    })
  ) {
    throw new CompanionError(
      'registry_invalid',
      'The Splattr address recorded for this connection is not the one it signed in to, so the bridge sent nothing there. Remove the connection in Splattr Companion and add it again.',
    );
  }
}
