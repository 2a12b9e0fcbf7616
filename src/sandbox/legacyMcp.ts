import { randomUUID } from 'node:crypto';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Response } from 'express';
import { SessionEventStore } from './eventStore';
import type { AuthenticatedRequest } from './mcpAuth';
import { buildMcpServer, type McpServerOptions } from './mcpServer';
import { PendingRefusal, type Refusal } from './refusals';

/** Streams with event ids, which a client resumes after `retryMs` when the server closes them. */
export interface ResumableStreams {
  retryMs: number;
}

/**
 * MCP 2025-11-25 and earlier over Streamable HTTP, by the SDK: `initialize` opens a session
 * (`Mcp-Session-Id`), the GET stream carries server-initiated messages, and the server can send
 * requests (elicitation) to the client. A request without a session that is not `initialize` — a
 * modern request among them — gets the 400 a 2025-11-25 server gives, with no modern error code,
 * which is how a dual-era client recognises a legacy server.
 */
export function legacyMcp(options: McpServerOptions & { resumableStreams?: ResumableStreams }): {
  handle: (req: AuthenticatedRequest, res: Response) => Promise<void>;
  /** Closes every session's GET stream (with resumable streams, the client resumes it). */
  closeGetStreams: () => number;
  /**
   * The next `times` GET streams (the session's own, or a resumption) are refused with `status`,
   * as a rate limit or a policy does.
   */
  refuseGetStreams: (refusal: Refusal | null) => void;
  close: () => Promise<void>;
} {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const getRefusal = new PendingRefusal();

  const newSession = async () => {
    const server = buildMcpServer(options);
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, transport);
      },
      onsessionclosed: (id) => {
        sessions.delete(id);
      },
      ...(options.resumableStreams && {
        eventStore: new SessionEventStore(),
        retryInterval: options.resumableStreams.retryMs,
      }),
    });
    const stopListening = options.toolListChanges.listen(() => {
      if (transport.sessionId) void server.server.sendToolListChanged().catch(() => {});
    });
    transport.onclose = () => {
      stopListening();
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    return transport;
  };

  const rpcError = (res: Response, status: number, message: string) => {
    res.status(status).json({ jsonrpc: '2.0', error: { code: -32000, message }, id: null });
  };

  return {
    handle: async (req, res) => {
      const refused = req.method === 'GET' ? getRefusal.take() : undefined;
      if (refused !== undefined) {
        return rpcError(res, refused, 'The sandbox was told to refuse this stream.');
      }
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
    closeGetStreams: () => {
      for (const transport of sessions.values()) transport.closeStandaloneSSEStream();
      return sessions.size;
    },
    refuseGetStreams: (refusal) => getRefusal.set(refusal),
    close: async () => {
      await Promise.all([...sessions.values()].map((transport) => transport.close()));
      sessions.clear();
    },
  };
}
