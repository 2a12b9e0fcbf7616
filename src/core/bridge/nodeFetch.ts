import { Readable } from 'node:stream';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { TransportFor } from '../net/transports';

/** Statuses whose response has no body: a `Response` refuses one. */
const NULL_BODY_STATUSES = new Set([204, 205, 304]);

/**
 * The `fetch` the bridge's HTTP callers get, on node:http. Node's own fetch (undici) compiles its
 * WebAssembly HTTP parser and builds its connection pool on first use, which a process that
 * must answer `initialize` quickly and stay small pays for at start-up (figures in
 * bench/README.md). It does what its callers ask of fetch and no more: method, headers, a
 * string or form body, an AbortSignal, a streamed response; redirects are returned, not
 * followed.
 */
export function createNodeFetch(transportFor: TransportFor): FetchLike {
  return async (input, init = {}) => {
    const url = new URL(input);
    const { request, agent, failure } = await transportFor(url);
    const signal = init.signal ?? undefined;
    signal?.throwIfAborted();
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => (headers[name] = value));
    const body = bodyText(init.body, headers);
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));

    return new Promise<Response>((resolve, reject) => {
      const req = request(url, { method: init.method ?? 'GET', headers, agent, signal }, (res) => {
        const status = res.statusCode ?? 500;
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          for (const one of [value ?? []].flat()) responseHeaders.append(name, one);
        }
        const stream = NULL_BODY_STATUSES.has(status)
          ? null
          : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
        if (!stream) res.resume();
        resolve(
          new Response(stream, {
            status,
            statusText: res.statusMessage ?? '',
            headers: responseHeaders,
          }),
        );
      });
      req.once('error', (error) => reject(signal?.aborted ? signal.reason : failure(error)));
      req.end(body);
    });
  };
}

function bodyText(body: RequestInit['body'], headers: Record<string, string>): string | undefined {
  if (body == null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) {
    headers['content-type'] ??= 'application/x-www-form-urlencoded;charset=UTF-8';
    return body.toString();
  }
  throw new TypeError('fetch failed: only string and form bodies are supported');
}
