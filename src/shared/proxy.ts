import { CompanionError } from './errors';

/**
 * A proxy address as people write it: `http://host:port`, `https://host:port`, or a bare
 * `host:port`, which means http. `source` says where it was written (Settings, HTTPS_PROXY…),
 * so the sentence for a bad one sends the person to the right place.
 */
export function parseProxyAddress(value: string, source: string): URL {
  const trimmed = value.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  const url = URL.canParse(withScheme) ? new URL(withScheme) : undefined;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
    throw new CompanionError(
      'invalid_input',
      `The proxy address ${source} is not valid. Enter it as http://host:port (or https://host:port).`,
    );
  }
  return url;
}

/**
 * The proxy address of the app's settings. The settings file is no place for a secret, so an
 * address carrying a user name or password is refused; such a proxy works from HTTPS_PROXY.
 */
export function parseProxySetting(value: string): URL {
  const url = parseProxyAddress(value, 'in Settings');
  if (url.username || url.password) {
    throw new CompanionError(
      'invalid_input',
      'A proxy address with a user name or password cannot be saved in Settings, which are not a place for secrets. Set it in HTTPS_PROXY instead, or leave the field empty.',
    );
  }
  return url;
}
