/**
 * The sockets a D-Bus address names (the specification's "Server Addresses"), in the order to
 * try them. Only unix sockets: `unix:path=` and Linux's abstract `unix:abstract=` (Node reaches
 * those through a path starting with NUL). Any other transport is skipped; an address with none
 * left is no bus at all.
 */
export function socketPaths(address: string | undefined): string[] {
  const paths: string[] = [];
  for (const entry of (address ?? '').split(';')) {
    const colon = entry.indexOf(':');
    if (colon < 0 || entry.slice(0, colon) !== 'unix') continue;
    const keys = new Map<string, string>();
    for (const pair of entry.slice(colon + 1).split(',')) {
      const equals = pair.indexOf('=');
      if (equals > 0) keys.set(pair.slice(0, equals), unescape(pair.slice(equals + 1)));
    }
    const path = keys.get('path');
    const abstract = keys.get('abstract');
    if (path !== undefined) paths.push(path);
    else if (abstract !== undefined) paths.push(`\0${abstract}`);
  }
  return paths;
}

/** Values are percent-encoded bytes. */
function unescape(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
