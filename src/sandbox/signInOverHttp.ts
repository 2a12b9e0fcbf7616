import { createHash, randomBytes } from 'node:crypto';
import * as z from 'zod';
import { SCOPES } from './authServer';

const LOOPBACK_REDIRECT = 'http://127.0.0.1/callback';

const TokenResponse = z.object({
  access_token: z.string(),
  refresh_token: z.string(),
  expires_in: z.number(),
  scope: z.string(),
});

export interface IssuedTokens {
  clientId: string;
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  scope: string;
}

/**
 * Registers (when needed) and signs in exactly as a native client and a person at the browser
 * would, over HTTP against the sandbox's own endpoints, so tests can get real tokens without
 * Chromium. The redirect is never followed: the code is read from its Location header.
 */
export async function signInOverHttp(input: {
  origin: string;
  mcpUrl: string;
  email: string;
  password: string;
  clientId?: string;
  clientName?: string;
}): Promise<IssuedTokens> {
  const { origin, mcpUrl } = input;
  const cookies = new Map<string, string>();
  const send = async (url: string, init: RequestInit = {}): Promise<Response> => {
    const headers = new Headers(init.headers);
    if (cookies.size > 0) {
      headers.set('cookie', [...cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    }
    const response = await fetch(new URL(url, origin), { ...init, headers, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const eq = pair.indexOf('=');
      cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return response;
  };
  const form = (fields: Record<string, string>): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });
  const location = (response: Response): string => {
    const target = response.headers.get('location');
    if (!target) throw new Error(`sign-in stopped with HTTP ${response.status}`);
    return target;
  };

  const clientId =
    input.clientId ??
    (await registerNativeClient(origin, input.clientName ?? 'Sandbox test client'));
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const authorize = new URL('/auth', origin);
  authorize.search = new URLSearchParams({
    client_id: clientId,
    redirect_uri: LOOPBACK_REDIRECT,
    response_type: 'code',
    scope: SCOPES.join(' '),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state,
    resource: mcpUrl,
  }).toString();

  let next = location(await send(authorize.href));
  for (let step = 0; step < 6 && !next.startsWith(LOOPBACK_REDIRECT); step++) {
    const uid = /^\/interaction\/([^/?]+)$/.exec(next)?.[1];
    if (!uid) {
      next = location(await send(next));
      continue;
    }
    const page = await (await send(next)).text();
    const answer = page.includes(`/interaction/${uid}/login`)
      ? send(`/interaction/${uid}/login`, form({ email: input.email, password: input.password }))
      : send(`/interaction/${uid}/confirm`, form({}));
    next = location(await answer);
  }
  const callback = new URL(next);
  const code = callback.searchParams.get('code');
  if (!code || callback.searchParams.get('state') !== state) {
    throw new Error(
      `sign-in ended without a code: ${callback.searchParams.get('error') ?? 'unknown'}`,
    );
  }

  const response = await fetch(
    new URL('/token', origin),
    form({
      grant_type: 'authorization_code',
      code,
      redirect_uri: LOOPBACK_REDIRECT,
      code_verifier: verifier,
      client_id: clientId,
      resource: mcpUrl,
    }),
  );
  if (!response.ok) throw new Error(`token request failed with HTTP ${response.status}`);
  const tokens = TokenResponse.parse(await response.json());
  return {
    clientId,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    expiresIn: tokens.expires_in,
    scope: tokens.scope,
  };
}

/**
 * Registers a public native client (no secret, PKCE) at the sandbox, as the Companion does, and
 * returns its client_id. Anything but RFC 7591's 201 Created is an error.
 */
export async function registerNativeClient(
  origin: string,
  clientName: string,
  redirectUri = LOOPBACK_REDIRECT,
): Promise<string> {
  const response = await fetch(new URL('/reg', origin), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_name: clientName,
      application_type: 'native',
      redirect_uris: [redirectUri],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    }),
  });
  if (response.status !== 201) throw new Error(`registration failed with HTTP ${response.status}`);
  return z.object({ client_id: z.string() }).parse(await response.json()).client_id;
}
