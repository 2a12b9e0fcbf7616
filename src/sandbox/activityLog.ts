import type Provider from 'oidc-provider';

/**
 * One line per thing a developer watching the sandbox wants to see. Only names, grant types and
 * OAuth error codes: never a token, code or verifier.
 */
export function logActivity(provider: Provider, log: (line: string) => void): void {
  const grantType = (params: unknown) =>
    String((params as { grant_type?: unknown } | undefined)?.grant_type);
  provider.on('registration_create.success', (_ctx, client) =>
    log(`registered client "${client.clientName ?? client.clientId}"`),
  );
  provider.on('grant.success', (ctx) => log(`issued tokens (${grantType(ctx.oidc.params)})`));
  provider.on('grant.error', (ctx, error) =>
    log(`refused a token request (${grantType(ctx.oidc.params)}): ${error.error}`),
  );
  provider.on('authorization.error', (_ctx, error) =>
    log(`refused an authorization request: ${error.error}`),
  );
  provider.on('server_error', (_ctx, error) => log(`authorization server error: ${error.message}`));
}
