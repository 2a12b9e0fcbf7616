import { extractWWWAuthenticateParams } from '@modelcontextprotocol/sdk/client/auth.js';

/** Space-separated scope lists joined without repeats, in first-seen order. */
export function mergeScopes(...scopes: (string | undefined)[]): string {
  const all = scopes.flatMap((scope) => scope?.split(/\s+/) ?? []).filter(Boolean);
  return [...new Set(all)].join(' ');
}

/**
 * The scope for a step-up sign-in after a 403 `insufficient_scope` (MCP authorization spec,
 * 2025-11-25): what the connection holds plus what the challenge asks for. Returns undefined
 * when the answer is not such a challenge or asks for nothing new, so the caller does not sign
 * in for nothing.
 *
 * It is meant for ONE sign-in attempt: when the server still answers `insufficient_scope` with
 * the scope that sign-in granted, the caller reports the error instead of asking again, which is
 * how a step-up stays a step and never becomes a loop.
 */
export function stepUpScope(
  currentScope: string | undefined,
  response: Pick<Response, 'status' | 'headers'>,
): string | undefined {
  if (response.status !== 403) return undefined;
  const challenge = extractWWWAuthenticateParams(new Response(null, { headers: response.headers }));
  if (challenge.error !== 'insufficient_scope' || !challenge.scope) return undefined;
  const held = new Set(currentScope?.split(/\s+/));
  const wanted = challenge.scope.split(/\s+/).filter(Boolean);
  if (wanted.every((scope) => held.has(scope))) return undefined;
  return mergeScopes(currentScope, challenge.scope);
}
