import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { AccountStore } from './accounts';
import { logActivity } from './activityLog';
import { createAuthServer } from './authServer';
import { BrowserSessions } from './browserSessions';
import { controlRoutes } from './controlRoutes';
import { createControls, type SandboxControls } from './controls';
import { GrantDirectory } from './grants';
import { interactionRoutes } from './interactions';
import { mcpEndpoint } from './mcpEndpoint';
import type { McpEra } from './eras';
import { McpFaults } from './mcpFaults';
import { McpRequestLog } from './mcpRequestLog';
import { OidcStore } from './oidcStore';
import { OrganizationStore } from './organizations';
import { homePage } from './pages';
import { securityRoutes } from './security';
import { CancellationLog } from './testTools';
import { TokenEndpointMonitor } from './tokenEndpoint';
import { ToolListChanges } from './toolListChanges';

export { DEMO_ACCOUNTS } from './accounts';
export { NO_USER } from './tools';
export type { SandboxControls } from './controls';
export { MCP_ERAS, type McpEra } from './eras';

export interface SandboxOptions {
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Access-token lifetime in seconds; default 3600. */
  accessTokenTtl?: number;
  /** An expired, revoked or unknown token reaches the tools, which answer the auth error. */
  toolAuthErrors?: boolean;
  /** Adds test_progress, test_wait, test_elicit, test_large and test_list_changed. */
  testTools?: boolean;
  /** Which MCP revisions /mcp speaks; default 'dual' (2025-11-25 sessions and 2026-07-28). */
  era?: McpEra;
  log?: (line: string) => void;
}

export interface Sandbox {
  origin: string;
  mcpUrl: string;
  issuer: string;
  controlToken: string;
  controls: SandboxControls;
  close(): Promise<void>;
}

/** Starts the Splattr stand-in on 127.0.0.1: authorization server, MCP server, Security page. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const log = options.log ?? (() => {});
  // The issuer must name the port, so the server listens first and gets its handler after.
  const server = createServer();
  await listen(server, options.port ?? 0);
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const issuer = origin;
  const mcpUrl = `${origin}/mcp`;
  const controlToken = randomBytes(24).toString('base64url');

  const store = new OidcStore();
  const accounts = await AccountStore.create();
  const provider = await createAuthServer({
    issuer,
    mcpUrl,
    accessTokenTtl: options.accessTokenTtl ?? 3600,
    accounts,
    store,
  });
  const tokenEndpoint = new TokenEndpointMonitor();
  provider.use(tokenEndpoint.middleware);
  logActivity(provider, log);

  const grants = new GrantDirectory(store);
  const sessions = new BrowserSessions();
  const faults = new McpFaults();
  const requests = new McpRequestLog();
  const cancellations = new CancellationLog();
  const era = options.era ?? 'dual';
  const mcp = mcpEndpoint({
    provider,
    mcpUrl,
    issuer,
    resourceMetadataUrl: `${origin}/.well-known/oauth-protected-resource/mcp`,
    era,
    accounts,
    organizations: new OrganizationStore(),
    faults,
    requests,
    cancellations,
    toolListChanges: new ToolListChanges(),
    toolAuthErrors: options.toolAuthErrors ?? false,
    testTools: options.testTools ?? false,
  });
  const controls = createControls({
    origin,
    mcpUrl,
    accounts,
    store,
    grants,
    tokenEndpoint,
    faults,
    cancellations,
    setMcpEra: mcp.setEra,
    requests,
  });

  const app = express();
  app.disable('x-powered-by');
  app.use(controlRoutes(controls, controlToken));
  app.use(mcp.router);
  app.use(interactionRoutes({ provider, accounts, sessions }));
  app.use(securityRoutes({ accounts, sessions, grants }));
  app.get('/', (_req, res) => {
    res.type('html').send(homePage(mcpUrl));
  });
  app.use(provider.callback());
  server.on('request', app);

  return {
    origin,
    mcpUrl,
    issuer,
    controlToken,
    controls,
    close: async () => {
      await mcp.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}
