import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type {
  Transport,
  TransportSendOptions,
} from '@modelcontextprotocol/sdk/shared/transport.js';
import type {
  JSONRPCMessage,
  JSONRPCNotification,
  JSONRPCResponse,
} from '@modelcontextprotocol/sdk/types.js';
import { buildMcpServer, type McpServerOptions } from './mcpServer';
import type { ModernRequest } from './modernRequests';

/** One server-to-client request the tool made, as MRTR carries it in `inputRequests`. */
export interface InputRequest {
  method: string;
  params?: Record<string, unknown>;
}

export type ExchangeOutcome =
  | { kind: 'response'; message: JSONRPCResponse }
  | { kind: 'input_required'; key: string; request: InputRequest }
  | { kind: 'cancelled' };

/**
 * Runs one modern request through a fresh SDK server, so both eras share the tools as the SDK
 * defines them. The SDK has no 2026-07-28 support yet, so this adapter supplies what differs:
 * notifications the handler sends go to `notify`, and a server-to-client request (elicitation)
 * is answered from the retry's `inputResponses` when it holds that key, otherwise the exchange
 * ends with `input_required` (MRTR). Keys are the request's method and its place among the
 * handler's requests (`elicitation/create#1`), so a handler that runs again on the retry finds its
 * answers in the same order.
 */
export function runModernExchange(
  options: McpServerOptions,
  request: ModernRequest,
  context: {
    authInfo: AuthInfo | undefined;
    inputResponses: Record<string, unknown> | undefined;
    notify: (message: JSONRPCNotification) => void;
    signal: AbortSignal;
  },
): Promise<ExchangeOutcome> {
  const server = buildMcpServer(options);
  return new Promise<ExchangeOutcome>((resolve, reject) => {
    let done = false;
    let asked = 0;
    const finish = (outcome: ExchangeOutcome) => {
      if (done) return;
      done = true;
      resolve(outcome);
      // Closing rejects whatever the handler still awaits, so it ends; its late result is dropped.
      void server.close();
    };
    const transport = new ExchangeTransport((message, sendOptions) => {
      if (done) return;
      if ('method' in message && 'id' in message) {
        asked += 1;
        const key = `${message.method}#${asked}`;
        const answer = context.inputResponses?.[key];
        if (answer !== undefined) {
          transport.deliver({ jsonrpc: '2.0', id: message.id, result: answer as never });
        } else {
          finish({
            kind: 'input_required',
            key,
            request: { method: message.method, params: message.params },
          });
        }
        return;
      }
      if ('method' in message) {
        if (sendOptions?.relatedRequestId === request.id) context.notify(message);
        return;
      }
      if ('id' in message && message.id === request.id) finish({ kind: 'response', message });
    });

    const cancel = () => {
      transport.deliver({
        jsonrpc: '2.0',
        method: 'notifications/cancelled',
        params: { requestId: request.id, reason: 'The client closed the response stream.' },
      });
      finish({ kind: 'cancelled' });
    };
    // A client that left before the exchange began has cancelled it too.
    if (context.signal.aborted) cancel();
    else context.signal.addEventListener('abort', cancel, { once: true });

    server
      .connect(transport)
      .then(() => {
        if (done) return;
        // The MRTR fields are this adapter's business; the SDK's handler sees a plain request.
        const params = { ...request.params };
        delete params.inputResponses;
        delete params.requestState;
        transport.deliver(
          { jsonrpc: '2.0', id: request.id, method: request.method, params },
          context.authInfo,
        );
      })
      .catch(reject);
  });
}

/** The SDK transport for one exchange: what the server sends goes to one callback. */
class ExchangeTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: Transport['onmessage'];

  constructor(
    private readonly sink: (message: JSONRPCMessage, options?: TransportSendOptions) => void,
  ) {}

  deliver(message: JSONRPCMessage, authInfo?: AuthInfo): void {
    this.onmessage?.(message, authInfo ? { authInfo } : undefined);
  }

  async start(): Promise<void> {}

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    this.sink(message, options);
  }

  async close(): Promise<void> {
    this.onclose?.();
  }
}
