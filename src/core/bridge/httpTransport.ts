import type { Transport } from '../net/transports';

/**
 * How one request reaches its server: the module's `request`, the agent that pools sockets (direct,
 * or through the proxy the environment or the setting names), and the sentence for a failure.
 */
export type HttpTransport = Transport;

/**
 * The one place where the bridge chooses how to reach a URL: every request it makes (MCP
 * messages, the event streams, token refresh) asks here (core/net's createTransports).
 */
export type TransportFor = (url: URL) => Promise<HttpTransport>;
