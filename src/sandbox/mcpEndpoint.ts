import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type Provider from 'oidc-provider';
import type { AccountStore } from './accounts';
import { legacyMcp, type ResumableStreams } from './legacyMcp';
import { bearerAuth, type AuthenticatedRequest } from './mcpAuth';
import type { McpEra } from './eras';
import { requestEra } from './mcpEra';
import type { McpFaults } from './mcpFaults';
import type { McpRequestLog } from './mcpRequestLog';
import { modernMcp } from './modernMcp';
import type { OrganizationStore } from './organizations';
import type { Refusal } from './refusals';
import type { CancellationLog } from './testTools';
import type { ToolListChanges } from './toolListChanges';

export interface McpEndpointOptions {
  provider: Provider;
  mcpUrl: string;
  resourceMetadataUrl: string;
  issuer: string;
  era: McpEra;
  accounts: AccountStore;
  organizations: OrganizationStore;
  faults: McpFaults;
  requests: McpRequestLog;
  cancellations: CancellationLog;
  toolListChanges: ToolListChanges;
  toolAuthErrors: boolean;
  testTools: boolean;
  resumableStreams?: ResumableStreams;
}

/**
 * The Splattr MCP server at /mcp (Streamable HTTP) in the era asked for — legacy sessions, the
 * stateless 2026-07-28 revision, or both chosen per request — behind the same bearer-token check
 * and protected-resource metadata (RFC 9728) in every era.
 */
export function mcpEndpoint(options: McpEndpointOptions): {
  router: Router;
  /** Switches era as a redeployed server would: the sessions or streams of the old one end. */
  setEra: (era: McpEra) => Promise<void>;
  /** Ends every open `subscriptions/listen` stream; returns how many. */
  endSubscriptions: (graceful: boolean) => number;
  openSubscriptions: () => number;
  refuseSubscriptions: (refusal: Refusal | null) => void;
  /** Closes every legacy session's GET stream; returns how many sessions there are. */
  closeGetStreams: () => number;
  refuseGetStreams: (refusal: Refusal | null) => void;
  close: () => Promise<void>;
} {
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

  let era = options.era;
  const legacy = legacyMcp(options);
  const modern = modernMcp({
    ...options,
    era: () => era,
    origin: new URL(options.mcpUrl).origin,
  });
  const eraOf = (req: Request) => (era === 'dual' ? requestEra(req) : era);

  router.all(
    mcpPath,
    options.faults.middleware,
    bearerAuth(options),
    express.json({ limit: '8mb' }),
    async (req: AuthenticatedRequest, res) => {
      const served = eraOf(req);
      const method = (req.body as { method?: unknown } | undefined)?.method;
      options.requests.record(served, typeof method === 'string' ? method : req.method);
      await (served === 'modern' ? modern.handle(req, res) : legacy.handle(req, res));
    },
  );
  // A body that is not JSON gets JSON-RPC's parse error rather than Express's HTML page.
  router.use(mcpPath, (error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if ((error as { type?: string }).type !== 'entity.parse.failed') return next(error);
    res.status(400).json({
      jsonrpc: '2.0',
      error: { code: -32700, message: 'Parse error: the body is not valid JSON.' },
    });
  });

  return {
    router,
    setEra: async (next) => {
      const previous = era;
      era = next;
      if (previous !== 'legacy' && next === 'legacy') modern.endSubscriptions(true);
      if (previous !== 'modern' && next === 'modern') await legacy.close();
    },
    endSubscriptions: (graceful) => modern.endSubscriptions(graceful),
    openSubscriptions: () => modern.openSubscriptions(),
    refuseSubscriptions: (refusal) => modern.refuseSubscriptions(refusal),
    closeGetStreams: () => legacy.closeGetStreams(),
    refuseGetStreams: (refusal) => legacy.refuseGetStreams(refusal),
    close: async () => {
      modern.endSubscriptions(true);
      await legacy.close();
    },
  };
}
