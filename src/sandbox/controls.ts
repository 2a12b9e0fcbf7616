import type { AccountStore } from './accounts';
import { DEMO_ACCOUNTS } from './accounts';
import type { McpEra } from './eras';
import type { GrantDirectory } from './grants';
import type { McpFault, McpFaults } from './mcpFaults';
import type { McpRequestCounts, McpRequestLog } from './mcpRequestLog';
import type { OidcStore } from './oidcStore';
import type { Refusal } from './refusals';
import { signInOverHttp, type IssuedTokens } from './signInOverHttp';
import type { CancellationLog } from './testTools';
import type { TokenEndpointMonitor } from './tokenEndpoint';

/** Test-only levers on the sandbox, in-process and (guarded by the control token) over HTTP. */
export interface SandboxControls {
  /** Revokes every grant of the account; returns how many. */
  revokeAccount(email: string): Promise<number>;
  /** Deletes the registration and its grants: that client later gets invalid_client. */
  deleteClient(clientId: string): Promise<void>;
  /** Token-endpoint requests by grant_type since start or the last reset. */
  tokenRequests(): Record<string, number>;
  resetTokenRequests(): void;
  listGrants(
    email: string,
  ): Promise<Array<{ clientId: string; clientName: string; grantedAt: string }>>;
  /**
   * Registers a native public client when no clientId is given, then signs in over HTTP as a
   * person would (so it counts one authorization_code token request): a real grant, real tokens.
   */
  issueTokens(input: {
    email: string;
    clientId?: string;
    clientName?: string;
  }): Promise<IssuedTokens>;
  /** The next `times` token requests answer `status` (503 → temporarily_unavailable). */
  failTokenEndpoint(input: Refusal | null): void;
  /** The next `times` /mcp requests fail that way. */
  mcpFaults(input: McpFault | null): void;
  /** How many test_wait calls the client cancelled. */
  cancelledRequests(): number;
  /**
   * Makes /mcp speak another era from now on, as when Splattr is upgraded or rolled back: legacy
   * sessions end when it turns modern, subscription streams end when it turns legacy.
   */
  setMcpEra(era: McpEra): Promise<void>;
  /**
   * Ends every open `subscriptions/listen` stream, as a shutdown does (graceful: with its
   * result) or a restart or a proxy's idle timeout (abrupt: none); returns how many.
   */
  endSubscriptions(input: { graceful: boolean }): number;
  /** How many `subscriptions/listen` streams are open. */
  openSubscriptions(): number;
  /** The next `times` `subscriptions/listen` requests are refused with `status` (a 429, a 403). */
  refuseSubscriptions(input: Refusal | null): void;
  /**
   * Closes every legacy session's GET stream, as a server that has clients poll does (with
   * resumable streams, what it sends meanwhile waits for the client's resumption); returns how
   * many sessions there are.
   */
  closeGetStreams(): number;
  /**
   * The next `times` legacy GET streams (a session's own, or a resumption) are refused with
   * `status` (a 429, a 403).
   */
  refuseGetStreams(input: Refusal | null): void;
  /** MCP requests served since start or the last reset, by era and JSON-RPC method (or verb). */
  mcpRequests(): McpRequestCounts;
  resetMcpRequests(): void;
  /**
   * Moves the resource to a new authorization server (its own port, registrations and grants):
   * the resource metadata names it and the MCP server accepts only its tokens from then on.
   */
  moveAuthorizationServer(): Promise<{ issuer: string }>;
}

export function createControls(deps: {
  moveAuthorizationServer: () => Promise<{ issuer: string }>;
  origin: string;
  mcpUrl: string;
  accounts: AccountStore;
  store: OidcStore;
  grants: GrantDirectory;
  tokenEndpoint: TokenEndpointMonitor;
  faults: McpFaults;
  cancellations: CancellationLog;
  setMcpEra: (era: McpEra) => Promise<void>;
  subscriptions: {
    end: (graceful: boolean) => number;
    open: () => number;
    refuse: (refusal: Refusal | null) => void;
  };
  getStreams: {
    close: () => number;
    refuse: (refusal: Refusal | null) => void;
  };
  requests: McpRequestLog;
}): SandboxControls {
  const { accounts, grants } = deps;
  const accountId = (email: string): string => {
    const account = accounts.byEmail(email);
    if (!account) throw new Error(`No sandbox account has the email ${email}.`);
    return account.id;
  };
  return {
    revokeAccount: async (email) => grants.revoke(accountId(email)),
    deleteClient: async (clientId) => {
      grants.revokeClient(clientId);
      deps.store.deleteClient(clientId);
    },
    tokenRequests: () => deps.tokenEndpoint.counted(),
    resetTokenRequests: () => deps.tokenEndpoint.reset(),
    listGrants: async (email) => grants.list(accountId(email)),
    issueTokens: async ({ email, clientId, clientName }) => {
      const demo = DEMO_ACCOUNTS.find((account) => account.id === accountId(email));
      if (!demo) throw new Error(`No demo password is known for ${email}.`);
      return signInOverHttp({
        origin: deps.origin,
        mcpUrl: deps.mcpUrl,
        email: demo.email,
        password: demo.password,
        clientId,
        clientName,
      });
    },
    failTokenEndpoint: (input) => deps.tokenEndpoint.fail(input),
    mcpFaults: (input) => deps.faults.set(input),
    cancelledRequests: () => deps.cancellations.count(),
    setMcpEra: (era) => deps.setMcpEra(era),
    endSubscriptions: ({ graceful }) => deps.subscriptions.end(graceful),
    openSubscriptions: () => deps.subscriptions.open(),
    refuseSubscriptions: (input) => deps.subscriptions.refuse(input),
    closeGetStreams: () => deps.getStreams.close(),
    refuseGetStreams: (input) => deps.getStreams.refuse(input),
    mcpRequests: () => deps.requests.counted(),
    resetMcpRequests: () => deps.requests.reset(),
    moveAuthorizationServer: () => deps.moveAuthorizationServer(),
  };
}
