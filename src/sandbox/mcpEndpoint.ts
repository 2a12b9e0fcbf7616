import { randomUUID } from 'node:crypto';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import express, { type Response, type Router } from 'express';
import type Provider from 'oidc-provider';
import type { AccountStore } from './accounts';
import { bearerAuth, type AuthenticatedRequest } from './mcpAuth';
import type { McpFaults } from './mcpFaults';
import type { OrganizationStore } from './organizations';
import { registerTestTools, type CancellationLog } from './testTools';
import { registerTools } from './tools';

export interface McpEndpointOptions {
  provider: Provider;
  mcpUrl: string;
  resourceMetadataUrl: string;
  issuer: string;
  accounts: AccountStore;
  organizations: OrganizationStore;
  faults: McpFaults;
  cancellations: CancellationLog;
  toolAuthErrors: boolean;
  testTools: boolean;
}

/**
 * The Splattr MCP server at /mcp (Streamable HTTP), with stateful sessions so the server can send
 * requests to the client, and its protected-resource metadata (RFC 9728).
 */
export function mcpEndpoint(options: McpEndpointOptions): {
  router: Router;
  close: () => Promise<void>;
} {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const router = express.Router();
  const mcpPath = new URL(options.mcpUrl).pathname;

  const metadata = {
    resource: options.mcpUrl,
    scopes_supported: ['openid', 'email', 'profile'],
    bearer_methods_supported: ['header'],
    resource_name: 'Splattr',
  };
  for (const path of [
    `/.well-known/oauth-protected-resource${mcpPath}`,
    '/.well-known/oauth-protected-resource',
  ]) {
    router.get(path, (_req, res) => {
      // The issuer is read per request: the sandbox can move to another authorization server.
      res
        .set('Access-Control-Allow-Origin', '*')
        .json({ ...metadata, authorization_servers: [options.issuer] });
    });
  }

  const newSession = async () => {
    const server = new McpServer({ name: 'splattr', version: '1.0.0' });
    registerTools(server, options);
    if (options.testTools) registerTestTools(server, options);
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, transport);
      },
      onsessionclosed: (id) => {
        sessions.delete(id);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    return transport;
  };

  const rpcError = (res: Response, status: number, message: string) => {
    res.status(status).json({ jsonrpc: '2.0', error: { code: -32000, message }, id: null });
  };

  router.all(
    mcpPath,
    options.faults.middleware,
    bearerAuth(options),
    express.json({ limit: '8mb' }),
    async (req: AuthenticatedRequest, res) => {
      const sessionId = req.headers['mcp-session-id'];
      let transport = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
      if (!transport) {
        if (sessionId !== undefined) return rpcError(res, 404, 'Session not found');
        if (req.method !== 'POST' || !isInitializeRequest(req.body)) {
          return rpcError(res, 400, 'Bad Request: no session; send initialize first');
        }
        transport = await newSession();
      }
      await transport.handleRequest(req, res, req.body);
    },
  );

  return {
    router,
    close: async () => {
      await Promise.all([...sessions.values()].map((transport) => transport.close()));
      sessions.clear();
    },
  };
}
