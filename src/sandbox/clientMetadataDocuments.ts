import type { AdapterPayload } from 'oidc-provider';

/** A document this large is not client metadata; the cap keeps a hostile URL from filling memory. */
const MAX_DOCUMENT_BYTES = 16 * 1024;

/**
 * Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document) for the sandbox's
 * authorization server, which oidc-provider 9 does not implement: a client id that is a URL is
 * fetched, and accepted only when the document is JSON naming that exact URL as its `client_id`
 * with a name and redirect URIs. oidc-provider then validates the metadata as for any client
 * (redirect URIs included). Only https and this computer's loopback are fetched.
 */
export async function fetchClientMetadataDocument(
  clientId: string,
): Promise<AdapterPayload | undefined> {
  let url: URL;
  try {
    url = new URL(clientId);
  } catch {
    return undefined;
  }
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) return undefined;
  if (url.pathname === '/' || url.hash) return undefined;
  try {
    const response = await fetch(url, {
      redirect: 'error',
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(5_000),
    });
    if (!response.ok) return undefined;
    const text = await response.text();
    if (text.length > MAX_DOCUMENT_BYTES) return undefined;
    const document = JSON.parse(text) as Record<string, unknown>;
    if (document.client_id !== clientId) return undefined;
    if (typeof document.client_name !== 'string' || !Array.isArray(document.redirect_uris)) {
      return undefined;
    }
    // A document cannot hold a secret anyone could not read: it is always a public client.
    if (document.token_endpoint_auth_method !== 'none') return undefined;
    return document as AdapterPayload;
  } catch {
    return undefined;
  }
}

/** The shipped document as the sandbox serves it: its `client_id` must be its own URL. */
export function servedClientMetadataDocument(
  shipped: Record<string, unknown>,
  url: string,
): Record<string, unknown> {
  return { ...shipped, client_id: url };
}
