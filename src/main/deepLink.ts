import { ClientIdSchema, type ClientId } from '../shared/clients';

export const DEEP_LINK_SCHEME = 'splattr-companion';

/**
 * Reads `splattr-companion://add?client=cursor`, the link Splattr's website offers. Anything
 * else (another action, an unknown client, extra junk) is ignored rather than guessed at.
 */
export function parseDeepLink(link: string): { action: 'add'; client: ClientId } | null {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return null;
  }
  if (url.protocol !== `${DEEP_LINK_SCHEME}:`) return null;
  // `scheme://add` puts the action in the host; `scheme:add` or `scheme:///add` in the path.
  const action = url.host || url.pathname.replace(/^\/+/, '').replace(/\/+$/, '');
  if (action !== 'add') return null;
  const client = ClientIdSchema.safeParse(url.searchParams.get('client'));
  return client.success ? { action: 'add', client: client.data } : null;
}

/** On Windows and Linux the link arrives as a command-line argument of the (second) instance. */
export function findDeepLink(argv: readonly string[]): string | undefined {
  return argv.find((arg) => arg.startsWith(`${DEEP_LINK_SCHEME}:`));
}
