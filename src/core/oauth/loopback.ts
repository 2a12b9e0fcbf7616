import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CompanionError, ERROR_MESSAGES, type ErrorCode } from '../../shared/errors';

export const DEFAULT_SIGN_IN_TIMEOUT_MS = 5 * 60_000;

/** An error the authorization server sent back in the redirect (RFC 6749 §4.1.2.1). */
export class AuthorizationResponseError extends CompanionError {
  constructor(
    readonly oauthError: string,
    code: ErrorCode = 'sign_in_failed',
  ) {
    super(code);
  }
}

export interface LoopbackOptions {
  /** The `state` sent with the authorization request; any other answer is refused. */
  state: string;
  /** The issuer the answer must name when it carries `iss` (RFC 9207). */
  issuer: string;
  /** The server promised `iss` (its metadata says so): an answer without it is refused. */
  requireIssuer?: boolean;
  /** The registered redirect URI's path. */
  path?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface LoopbackRedirect {
  /** `http://127.0.0.1:<port><path>`, the redirect URI to send. */
  redirectUri: string;
  /** The authorization code, or a CompanionError saying why there is none. */
  code: Promise<string>;
  /** Stops waiting (a pending `code` rejects with 'sign_in_aborted'); resolves once closed. */
  close(): Promise<void>;
}

type Outcome = { ok: true; code: string } | { ok: false; error: CompanionError };

/**
 * The RFC 8252 loopback redirect, written here because the MCP SDK leaves receiving the
 * redirect to its caller. One server on 127.0.0.1 only, on an ephemeral port, answering one
 * path: the first request there with our `state` decides the outcome, and the server closes
 * right after, on cancel, or on timeout. Anything else gets an error page and the wait goes on.
 */
export async function startLoopbackRedirect(options: LoopbackOptions): Promise<LoopbackRedirect> {
  const path = options.path ?? '/callback';
  if (options.signal?.aborted) throw new CompanionError('sign_in_aborted');

  let settle!: (outcome: Outcome) => void;
  const code = new Promise<string>((resolve, reject) => {
    settle = (outcome) => (outcome.ok ? resolve(outcome.code) : reject(outcome.error));
  });
  // The caller may stop listening (close) before it awaits the code.
  code.catch(() => undefined);

  // `decided`: a request has been judged, so no later one is; `settled`: the outcome is out.
  let decided = false;
  let settled = false;
  const server = http.createServer({ requestTimeout: 30_000, headersTimeout: 10_000 });
  const closed = new Promise<void>((resolve) => server.once('close', resolve));
  const finish = (outcome: Outcome) => {
    if (settled) return;
    settled = decided = true;
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    settle(outcome);
    server.close();
    server.closeIdleConnections();
  };
  const onAbort = () => finish({ ok: false, error: new CompanionError('sign_in_aborted') });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = `127.0.0.1:${port}`;

  server.on('request', (request, response) => {
    // The Host check turns away DNS-rebinding pages that reach 127.0.0.1 under another name.
    const url = parseRequestUrl(request.url, host);
    if (request.headers.host !== host || url?.pathname !== path || decided) {
      reply(response, 404, 'Not found', 'There is nothing here.');
      return;
    }
    if (request.method !== 'GET') {
      response.setHeader('allow', 'GET');
      reply(response, 405, 'Not allowed', 'This page only receives the sign-in answer.');
      return;
    }
    // Only the answer carrying our `state` decides: a page that merely knows the port (any
    // site can make the browser request 127.0.0.1) must not be able to end the sign-in.
    const state = single(url.searchParams, 'state');
    if (state === undefined || !sameSecret(state, options.state)) {
      reply(
        response,
        400,
        'Not a sign-in answer for this app',
        `${ERROR_MESSAGES.sign_in_state_mismatch} Splattr Companion is still waiting for your sign-in.`,
      );
      return;
    }
    decided = true;
    const outcome = judge(url.searchParams, options);
    if (outcome.ok) {
      reply(
        response,
        200,
        'You are signed in',
        'Splattr Companion is now connected to your Splattr account. You can close this tab.',
      );
    } else {
      reply(
        response,
        400,
        'Sign-in did not complete',
        `${outcome.error.message} You can close this tab.`,
      );
    }
    // Closed once the page is on its way, so the browser always gets it.
    response.once('finish', () => finish(outcome));
  });
  // Malformed or oversized requests (Node answers 400/431 itself) only lose their socket.
  server.on('clientError', (_error, socket) => socket.destroy());

  const timer = setTimeout(
    () => finish({ ok: false, error: new CompanionError('sign_in_timed_out') }),
    options.timeoutMs ?? DEFAULT_SIGN_IN_TIMEOUT_MS,
  );
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();

  return {
    redirectUri: `http://${host}${path}`,
    code,
    close: async () => {
      onAbort();
      server.closeAllConnections();
      await closed;
    },
  };
}

function parseRequestUrl(target: string | undefined, host: string): URL | undefined {
  try {
    return new URL(target ?? '', `http://${host}`);
  } catch {
    return undefined;
  }
}

/** One value, or undefined when absent or repeated (a repeated parameter is never trusted). */
function single(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name);
  return values.length === 1 ? values[0] : undefined;
}

function sameSecret(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The checks of RFC 6749 §4.1.2 and RFC 9207 for an answer carrying our `state`, in the order
 * that trusts nothing unverified: `iss` is compared as a plain string (no URL normalisation,
 * as MCP 2026-07-28 requires) before any `error` is acted on.
 */
function judge(params: URLSearchParams, options: LoopbackOptions): Outcome {
  const refuse = (error: CompanionError): Outcome => ({ ok: false, error });
  if (params.has('iss') || options.requireIssuer) {
    const iss = single(params, 'iss');
    // A mix-up attack answers with another server's code: RFC 9207 says refuse it.
    if (iss === undefined || iss !== options.issuer) {
      return refuse(new CompanionError('sign_in_state_mismatch'));
    }
  }
  const errors = params.getAll('error');
  if (errors.length > 0) {
    const [error] = errors;
    if (errors.length === 1 && error === 'access_denied') {
      return refuse(new AuthorizationResponseError('access_denied', 'sign_in_cancelled'));
    }
    return refuse(new AuthorizationResponseError(error ?? 'invalid_request'));
  }
  const code = single(params, 'code');
  if (!code) return refuse(new CompanionError('sign_in_failed'));
  return { ok: true, code };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function reply(response: http.ServerResponse, status: number, title: string, text: string): void {
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · Splattr</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;margin:0;display:grid;place-items:center;min-height:100vh;color:#1a1a1a;background:#f6f6f4}
main{max-width:32rem;padding:2rem}h1{font-size:1.4rem}@media (prefers-color-scheme:dark){body{color:#eee;background:#1b1b1b}}</style>
</head><body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></main></body></html>`;
  response.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    // The page's own URL carries the code: it goes nowhere else.
    'referrer-policy': 'no-referrer',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    connection: 'close',
  });
  response.end(body);
}
