// Talks to the sandbox as an MCP client or its operator would: shared by the tests and the
// benchmarks, so vitest-free.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { SandboxControls } from '../src/sandbox';

/** An MCP SDK client connected to the sandbox with a bearer token. Close it when done. */
export async function connectMcp(mcpUrl: string, accessToken: string): Promise<Client> {
  const client = new Client({ name: 'sandbox-test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(mcpUrl), {
      requestInit: { headers: { Authorization: `Bearer ${accessToken}` } },
    }),
  );
  return client;
}

/**
 * A bare POST to the MCP endpoint with a bearer token, no MCP message in it: the answer is the
 * resource server's verdict on the token alone (401 for one it no longer accepts).
 */
export function postWithToken(mcpUrl: string, accessToken: string): Promise<Response> {
  return fetch(mcpUrl, {
    method: 'POST',
    headers: { Authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
    body: '{}',
  });
}

/** The text of a tool result's first content item. */
export function toolText(result: Awaited<ReturnType<Client['callTool']>>): string {
  const [first] = result.content as Array<{ type: string; text?: string }>;
  return first?.text ?? '';
}

/** Every sandbox control, as an async call. */
export type RemoteControls = {
  [K in keyof SandboxControls]: (
    ...args: Parameters<SandboxControls[K]>
  ) => Promise<Awaited<ReturnType<SandboxControls[K]>>>;
};

/** The sandbox controls over HTTP, for a sandbox running as its own process (`npm run sandbox`). */
export function remoteControls(origin: string, controlToken: string): RemoteControls {
  const call = async (name: keyof SandboxControls, body?: unknown): Promise<never> => {
    const response = await fetch(new URL(`/__sandbox/${name}`, origin), {
      method: 'POST',
      headers: { Authorization: `Bearer ${controlToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body === undefined ? {} : body),
    });
    const answer = (await response.json()) as { result?: unknown; error?: string };
    if (!response.ok) throw new Error(`Sandbox control ${name} failed: ${answer.error}`);
    return answer.result as never;
  };
  return {
    revokeAccount: (email) => call('revokeAccount', { email }),
    deleteClient: (clientId) => call('deleteClient', { clientId }),
    tokenRequests: () => call('tokenRequests'),
    resetTokenRequests: () => call('resetTokenRequests'),
    listGrants: (email) => call('listGrants', { email }),
    issueTokens: (input) => call('issueTokens', input),
    failTokenEndpoint: (input) => call('failTokenEndpoint', input),
    mcpFaults: (input) => call('mcpFaults', input),
    cancelledRequests: () => call('cancelledRequests'),
    setMcpEra: (era) => call('setMcpEra', { era }),
    endSubscriptions: (input) => call('endSubscriptions', input),
    openSubscriptions: () => call('openSubscriptions'),
    refuseSubscriptions: (input) => call('refuseSubscriptions', input),
    closeGetStreams: () => call('closeGetStreams'),
    refuseGetStreams: (input) => call('refuseGetStreams', input),
    mcpRequests: () => call('mcpRequests'),
    resetMcpRequests: () => call('resetMcpRequests'),
    moveAuthorizationServer: () => call('moveAuthorizationServer'),
  };
}
