import { describe, expect, it } from 'vitest';
import {
  connectMcp,
  postWithToken,
  remoteControls,
  toolText,
  withSandbox,
} from '../../helpers/sandbox';

const DEMO = 'demo@splattr.test';

const refresh = async (origin: string, clientId: string, refreshToken: string) => {
  const response = await fetch(new URL('/token', origin), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: clientId,
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('sandbox test controls', () => {
  const sandbox = withSandbox();

  it('issueTokens signs in for real: the grant is listed and the token calls whoami', async () => {
    const { mcpUrl, controls } = sandbox();
    const tokens = await controls.issueTokens({ email: DEMO, clientName: 'Issued client' });
    expect(tokens).toMatchObject({ scope: 'openid email profile', expiresIn: 3600 });
    const grants = await controls.listGrants(DEMO);
    expect(grants).toContainEqual({
      clientId: tokens.clientId,
      clientName: 'Issued client',
      grantedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const client = await connectMcp(mcpUrl, tokens.accessToken);
    expect(
      JSON.parse(toolText(await client.callTool({ name: 'whoami', arguments: {} }))).email,
    ).toBe(DEMO);
    await client.close();
  });

  it('counts token requests by grant type, and resets the count', async () => {
    const { origin, controls } = sandbox();
    controls.resetTokenRequests();
    const tokens = await controls.issueTokens({ email: DEMO });
    const first = await refresh(origin, tokens.clientId, tokens.refreshToken);
    await refresh(origin, tokens.clientId, first.body.refresh_token as string);
    expect(controls.tokenRequests()).toEqual({ authorization_code: 1, refresh_token: 2 });
    controls.resetTokenRequests();
    expect(controls.tokenRequests()).toEqual({});
  });

  it('deleteClient makes that client get invalid_client, and ends its access', async () => {
    const { origin, mcpUrl, controls } = sandbox();
    const tokens = await controls.issueTokens({ email: DEMO, clientName: 'Doomed client' });
    await controls.deleteClient(tokens.clientId);
    const refused = await refresh(origin, tokens.clientId, tokens.refreshToken);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('invalid_client');
    expect((await controls.listGrants(DEMO)).map((grant) => grant.clientId)).not.toContain(
      tokens.clientId,
    );
    const call = await postWithToken(mcpUrl, tokens.accessToken);
    expect(call.status).toBe(401);
  });

  it('revokeAccount revokes every grant of that account and only that account', async () => {
    const { controls } = sandbox();
    await controls.issueTokens({ email: DEMO, clientName: 'One' });
    await controls.issueTokens({ email: DEMO, clientName: 'Two' });
    const bob = await controls.issueTokens({ email: 'bob@globex.test', clientName: 'Bob client' });
    const before = (await controls.listGrants(DEMO)).length;
    expect(before).toBeGreaterThanOrEqual(2);
    expect(await controls.revokeAccount(DEMO)).toBe(before);
    expect(await controls.listGrants(DEMO)).toEqual([]);
    expect((await controls.listGrants('bob@globex.test')).map((g) => g.clientId)).toEqual([
      bob.clientId,
    ]);
    await expect(controls.revokeAccount('nobody@splattr.test')).rejects.toThrow(
      /No sandbox account/,
    );
  });

  it('failTokenEndpoint answers the next requests with 503 temporarily_unavailable, then recovers', async () => {
    const { origin, controls } = sandbox();
    const tokens = await controls.issueTokens({ email: DEMO });
    controls.resetTokenRequests();
    controls.failTokenEndpoint({ status: 503, times: 2 });
    for (let attempt = 0; attempt < 2; attempt++) {
      const failed = await refresh(origin, tokens.clientId, tokens.refreshToken);
      expect(failed).toEqual({
        status: 503,
        body: expect.objectContaining({ error: 'temporarily_unavailable' }),
      });
    }
    const recovered = await refresh(origin, tokens.clientId, tokens.refreshToken);
    expect(recovered.status).toBe(200);
    expect(controls.tokenRequests()).toEqual({ refresh_token: 3 });
  });

  it('mcpFaults fails the next MCP requests with 503 or a reset connection, then lets them through', async () => {
    const { mcpUrl, controls } = sandbox();
    const tokens = await controls.issueTokens({ email: DEMO });
    const post = () =>
      fetch(mcpUrl, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${tokens.accessToken}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
    controls.mcpFaults({ mode: 'status503', times: 1 });
    expect((await post()).status).toBe(503);
    expect((await post()).status).toBe(400); // through to the server: no session yet
    controls.mcpFaults({ mode: 'reset', times: 1 });
    await expect(post()).rejects.toThrow();
    controls.mcpFaults({ mode: 'slow', times: 1, delayMs: 50 });
    expect((await post()).status).toBe(400);
  });

  it('refuseGetStreams refuses the next legacy GET streams with its status, then lets them through', async () => {
    const { mcpUrl, controls } = sandbox();
    const tokens = await controls.issueTokens({ email: DEMO });
    const get = async () => {
      const answer = await fetch(mcpUrl, {
        headers: { Authorization: `Bearer ${tokens.accessToken}`, accept: 'text/event-stream' },
      });
      await answer.body?.cancel();
      return answer.status;
    };
    controls.refuseGetStreams({ status: 429, times: 2 });
    expect([await get(), await get()]).toEqual([429, 429]);
    // Through to the server: a GET stream needs a session, which this one has not.
    expect(await get()).toBe(400);
  });
});

describe('sandbox test controls over HTTP', () => {
  const sandbox = withSandbox();

  it('refuses a missing or wrong control token and an unknown control', async () => {
    const { origin, controlToken } = sandbox();
    const post = (name: string, authorization?: string) =>
      fetch(`${origin}/__sandbox/${name}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(authorization ? { authorization } : {}),
        },
        body: JSON.stringify({ email: DEMO }),
      });
    expect((await post('listGrants')).status).toBe(401);
    expect((await post('listGrants', 'Bearer wrong')).status).toBe(401);
    expect((await post('listGrants', `Bearer ${controlToken}x`)).status).toBe(401);
    expect((await post('toString', `Bearer ${controlToken}`)).status).toBe(404);
    expect((await post('listGrants', `Bearer ${controlToken}`)).status).toBe(200);
  });

  it('runs every control with the token', async () => {
    const { origin, controlToken } = sandbox();
    const remote = remoteControls(origin, controlToken);
    await remote.resetTokenRequests();
    const tokens = await remote.issueTokens({ email: DEMO, clientName: 'Remote client' });
    expect(await remote.tokenRequests()).toEqual({ authorization_code: 1 });
    expect((await remote.listGrants(DEMO)).map((grant) => grant.clientName)).toEqual([
      'Remote client',
    ]);
    await remote.failTokenEndpoint({ status: 500, times: 1 });
    expect((await refresh(origin, tokens.clientId, tokens.refreshToken)).status).toBe(500);
    await remote.failTokenEndpoint(null);
    await remote.mcpFaults(null);
    await remote.refuseSubscriptions(null);
    await remote.refuseGetStreams(null);
    expect(await remote.cancelledRequests()).toBe(0);
    await remote.deleteClient(tokens.clientId);
    expect(await remote.revokeAccount(DEMO)).toBe(0);
    await expect(remote.listGrants('nobody@splattr.test')).rejects.toThrow(/No sandbox account/);
  });
});
