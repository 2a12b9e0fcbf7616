import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { BridgeAuth } from './types';

export interface BearerFetch {
  /** Given to the SDK's Streamable HTTP transport as its `fetch`. */
  fetch: FetchLike;
  /** Asks for one refresh of the token last sent, when Splattr rejected it inside a result. */
  refreshLastToken(): Promise<void>;
}

/**
 * Adds the connection's bearer token to every request and, on a 401, refreshes once and retries
 * once. This lives in a fetch wrapper rather than the SDK's `authProvider` because the provider
 * would run the interactive OAuth flow on a 401; the bridge must never start a sign-in, only
 * use tokens the app obtained. Request bodies are strings (the transport serialises JSON), so a
 * request can be sent twice.
 */
export function createBearerFetch(auth: BridgeAuth, baseFetch: FetchLike = fetch): BearerFetch {
  let lastToken: string | undefined;

  const send = (url: string | URL, init: RequestInit | undefined, token: string) => {
    lastToken = token;
    const headers = new Headers(init?.headers);
    headers.set('authorization', `Bearer ${token}`);
    return baseFetch(url, { ...init, headers });
  };

  return {
    async fetch(url, init) {
      const token = await auth.getAccessToken();
      let response = await send(url, init, token);
      if (response.status === 401) {
        await response.body?.cancel();
        response = await send(url, init, await auth.refreshAfterRejection(token));
      }
      if (response.status === 403) await auth.forbidden?.(response);
      return response;
    },
    async refreshLastToken() {
      lastToken = await auth.refreshAfterRejection(lastToken ?? (await auth.getAccessToken()));
    },
  };
}
