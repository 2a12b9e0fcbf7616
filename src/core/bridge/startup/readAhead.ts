import type { TokenSet } from '../../oauth/types';
import type { TokenStore } from '../../credentials/tokenStore';

/**
 * Starts reading a connection's tokens now and gives that read to the first `get` of them. The
 * first read is several round trips (on Linux: connecting to the session bus, then the Secret
 * Service's search, session and secret; elsewhere, on keytar's thread): asked before the
 * relay's code loads, it has answered by the time the client's `initialize` needs a token,
 * instead of starting only then.
 */
export function withReadAhead(store: TokenStore, connectionId: string): TokenStore {
  let early: Promise<TokenSet | undefined> | undefined = store.get(connectionId);
  // Whoever takes the read gets its failure; a bridge that stops before its first call does not.
  early.catch(() => undefined);
  return {
    ...store,
    get(id) {
      if (id !== connectionId || !early) return store.get(id);
      const read = early;
      early = undefined;
      return read;
    },
  };
}
