import { LEGACY_VERSION, META, MODERN_VERSION } from './eras';

/** What a client is told about Splattr, whichever era's answer (or saved copy) it came from. */
export interface ServerFacts {
  capabilities?: Record<string, unknown>;
  serverInfo?: unknown;
  instructions?: string;
}

/** What a legacy client said in `initialize`, which a modern Splattr gets in every `_meta`. */
export interface LegacyClient {
  capabilities: Record<string, unknown>;
  clientInfo: unknown;
  logLevel?: string;
}

/** Said when nothing better is known: the server info fields are required. */
const UNKNOWN_SERVER = { name: 'splattr', title: 'Splattr', version: '0.0.0' };

/** A legacy `initialize` result: the version the client asked for, when it named one. */
export function initializeResult(asked: unknown, server: ServerFacts, fallbackVersion?: string) {
  return {
    protocolVersion: typeof asked === 'string' ? asked : (fallbackVersion ?? LEGACY_VERSION),
    capabilities: server.capabilities ?? {},
    serverInfo: server.serverInfo ?? UNKNOWN_SERVER,
    ...(server.instructions !== undefined && { instructions: server.instructions }),
  };
}

/** A modern `server/discover` result (DiscoverResult), the bridge speaking for Splattr. */
export function discoverResult(server: ServerFacts) {
  return {
    resultType: 'complete',
    supportedVersions: [MODERN_VERSION],
    capabilities: server.capabilities ?? {},
    ...(server.instructions !== undefined && { instructions: server.instructions }),
    _meta: { [META.serverInfo]: server.serverInfo ?? UNKNOWN_SERVER },
  };
}

/** Facts from a modern `server/discover` result (server info travels in `_meta`). */
export function factsFromDiscover(result: Record<string, unknown>): ServerFacts {
  const meta = result._meta as Record<string, unknown> | undefined;
  return {
    capabilities: result.capabilities as ServerFacts['capabilities'],
    serverInfo: meta?.[META.serverInfo],
    instructions: typeof result.instructions === 'string' ? result.instructions : undefined,
  };
}

/** Facts from a legacy `initialize` result. */
export function factsFromInitialize(result: Record<string, unknown>): ServerFacts {
  return {
    capabilities: result.capabilities as ServerFacts['capabilities'],
    serverInfo: result.serverInfo,
    instructions: typeof result.instructions === 'string' ? result.instructions : undefined,
  };
}

/** Params with the `_meta` a modern Splattr needs, from a legacy client's `initialize`. */
export function withModernMeta(
  params: Record<string, unknown> | undefined,
  client: LegacyClient | undefined,
): Record<string, unknown> {
  return {
    ...params,
    _meta: {
      ...(params?._meta as object | undefined),
      [META.protocolVersion]: MODERN_VERSION,
      [META.clientCapabilities]: client?.capabilities ?? {},
      ...(client?.clientInfo ? { [META.clientInfo]: client.clientInfo } : {}),
      ...(client?.logLevel ? { [META.logLevel]: client.logLevel } : {}),
    },
  };
}

/** Params without the per-request fields of the modern era, for a legacy session. */
export function withoutModernMeta(params: Record<string, unknown> | undefined) {
  const meta = { ...(params?._meta as Record<string, unknown> | undefined) };
  delete meta[META.protocolVersion];
  delete meta[META.clientInfo];
  delete meta[META.clientCapabilities];
  delete meta[META.logLevel];
  return { ...params, _meta: meta };
}

/** The `initialize` params a legacy Splattr gets on behalf of a modern client's `_meta`. */
export function legacyInitializeParams(meta: Record<string, unknown>) {
  return {
    protocolVersion: LEGACY_VERSION,
    capabilities: meta[META.clientCapabilities] ?? {},
    clientInfo: meta[META.clientInfo] ?? { name: 'unknown', version: '0.0.0' },
  };
}

/** Why a modern client's `subscriptions/listen` cannot reach a legacy Splattr. */
export const LISTEN_UNAVAILABLE = `subscriptions/listen is not available: Splattr speaks MCP ${LEGACY_VERSION}, which announces changes only within a session the bridge cannot share.`;

/** Why a legacy Splattr's request outside any call cannot reach a modern client. */
export function cannotRelayToModern(method: string): string {
  return `The AI client speaks MCP ${MODERN_VERSION}, where a server asks only inside a call (input_required): the Splattr bridge cannot relay ${method}, asked outside one by a Splattr that speaks MCP ${LEGACY_VERSION}.`;
}
