import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { AccountStore } from './accounts';
import { logActivity } from './activityLog';
import {
  createAuthServer,
  type ClientAuthMethod,
  type PreRegisteredClient,
  type RegistrationMode,
} from './authServer';
import {
  fetchClientMetadataDocument,
  servedClientMetadataDocument,
} from './clientMetadataDocuments';
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
export type { ClientAuthMethod, RegistrationMode } from './authServer';

/** The app's Client ID Metadata Document, as shipped. */
const CLIENT_METADATA_FILE = fileURLToPath(
  new URL('../../resources/client-metadata.json', import.meta.url),
);
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
  /** Adds test_progress, test_resume, test_wait, test_elicit, test_large and test_list_changed. */
  testTools?: boolean;
  /**
   * Legacy (2025-11-25) streams carry event ids and can be resumed with `Last-Event-ID`, and the
   * server asks for `retryMs` before a reconnection; test_resume closes its stream mid-call.
   * Off by default: the server then keeps no events.
   */
  resumableStreams?: { retryMs: number };
  /** Which MCP revisions /mcp speaks; default 'dual' (2025-11-25 sessions and 2026-07-28). */
  era?: McpEra;
  /** How clients register: 'dcr' (the default), 'cimd' (metadata documents only) or 'both'. */
  registration?: RegistrationMode;
  /** Adds a pre-registered client with this token endpoint authentication, the only one accepted. */
  preRegistered?: ClientAuthMethod;
  /** false: the server issues no ID token and has no userinfo (it never says who signed in). */
  identity?: boolean;
  /** false: no refresh tokens. */
  refreshTokens?: boolean;
  log?: (line: string) => void;
}

export interface Sandbox {
  origin: string;
  mcpUrl: string;
  issuer: string;
  controlToken: string;
  /** Where the sandbox serves the app's client metadata document (its `client_id`). */
  clientMetadataUrl: string;
  /** The pre-registered client, when asked for. */
  preRegistered?: PreRegisteredClient;
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

  const clientMetadataUrl = `${origin}/client-metadata.json`;
  const registration = options.registration ?? 'dcr';
  const store = new OidcStore(registration === 'dcr' ? undefined : fetchClientMetadataDocument);
  const accounts = await AccountStore.create();
  const preRegistered = options.preRegistered
    ? preRegisteredClient(options.preRegistered)
    : undefined;
  const provider = await createAuthServer({
    issuer,
    mcpUrl,
    accessTokenTtl: options.accessTokenTtl ?? 3600,
    accounts,
    store,
    registration,
    preRegistered,
    identity: options.identity,
    refreshTokens: options.refreshTokens,
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
  // The authorization server the resource names; moveAuthorizationServer() replaces it.
  const authorization = { provider, issuer };
  const mcp = mcpEndpoint({
    get provider() {
      return authorization.provider;
    },
    mcpUrl,
    get issuer() {
      return authorization.issuer;
    },
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
    resumableStreams: options.resumableStreams,
  });
  let moved: Server | undefined;
  /** A second authorization server on its own port, which the resource names from now on. */
  async function moveAuthorizationServer(): Promise<{ issuer: string }> {
    if (moved) return { issuer: authorization.issuer };
    moved = createServer();
    await listen(moved, 0);
    const nextIssuer = `http://127.0.0.1:${(moved.address() as AddressInfo).port}`;
    const nextProvider = await createAuthServer({
      issuer: nextIssuer,
      mcpUrl,
      accessTokenTtl: options.accessTokenTtl ?? 3600,
      accounts,
      store: new OidcStore(),
      identity: options.identity,
      refreshTokens: options.refreshTokens,
    });
    const nextApp = express();
    nextApp.disable('x-powered-by');
    nextApp.use(interactionRoutes({ provider: nextProvider, accounts, sessions }));
    nextApp.use(nextProvider.callback());
    moved.on('request', nextApp);
    Object.assign(authorization, { provider: nextProvider, issuer: nextIssuer });
    return { issuer: nextIssuer };
  }

  const controls = createControls({
    moveAuthorizationServer,
    origin,
    mcpUrl,
    accounts,
    store,
    grants,
    tokenEndpoint,
    faults,
    cancellations,
    setMcpEra: mcp.setEra,
    subscriptions: {
      end: mcp.endSubscriptions,
      open: mcp.openSubscriptions,
      refuse: mcp.refuseSubscriptions,
    },
    getStreams: { close: mcp.closeGetStreams, refuse: mcp.refuseGetStreams },
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
  // Splattr hosts the app's document; the sandbox serves the same one at its own address.
  const shippedDocument = JSON.parse(await readFile(CLIENT_METADATA_FILE, 'utf8')) as Record<
    string,
    unknown
  >;
  app.get('/client-metadata.json', (_req, res) => {
    res.json(servedClientMetadataDocument(shippedDocument, clientMetadataUrl));
  });
  app.use(provider.callback());
  server.on('request', app);

  return {
    origin,
    mcpUrl,
    issuer,
    controlToken,
    clientMetadataUrl,
    preRegistered,
    controls,
    close: async () => {
      await mcp.close();
      if (moved) {
        const closedToo = new Promise<void>((resolve) => moved?.close(() => resolve()));
        moved.closeAllConnections();
        await closedToo;
      }
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

function preRegisteredClient(method: ClientAuthMethod): PreRegisteredClient {
  return {
    clientId: `splattr-companion-${method.replaceAll('_', '-')}`,
    clientSecret: method === 'none' ? undefined : randomBytes(24).toString('base64url'),
    method,
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
