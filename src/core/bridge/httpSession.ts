import type { ClientRequest, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { RequestId } from '@modelcontextprotocol/sdk/types.js';
import { headerValue, type ModernHeaders } from './eras';
import type { TransportFor } from '../net/transports';
import { createSseReader } from './sse';
import type { BridgeAuth } from './types';

/** JSON-RPC's error object, as Splattr put it in the body of a refusal. */
export interface RpcErrorBody {
  id?: RequestId | null;
  error: { code: number; message: string; data?: unknown };
}

/** An HTTP status Splattr answered with, as a numeric `code` (as the SDK's StreamableHTTPError). */
export class HttpStatusError extends Error {
  constructor(
    readonly code: number,
    message: string,
    /** The JSON-RPC error in the body, when there was one: modern servers explain refusals. */
    readonly body?: RpcErrorBody,
  ) {
    super(message);
    this.name = 'HttpStatusError';
  }
}

/** One message toward Splattr: its bytes, and for a request its id and method. */
export interface Outgoing {
  bytes: Buffer;
  id?: RequestId;
  method?: string;
  /** Set for a modern (2026-07-28) message: sent without the session, with these headers. */
  modern?: ModernHeaders;
}

export interface UpstreamHandlers {
  /**
   * A message from Splattr, as bytes: a response, a notification or a request of its own;
   * `answering` is the request on whose response stream it came.
   */
  message(bytes: Buffer, answering?: RequestId): void;
  /** A message larger than the limit was dropped; `answering` is the request its stream was for. */
  tooLarge(answering: RequestId | undefined): void;
  /** A stream that outlives `send` broke (diagnostics only). */
  error(error: unknown): void;
}

export interface HttpSessionOptions {
  url: URL;
  transportFor: TransportFor;
  auth: BridgeAuth;
  maxMessageBytes: number;
  handlers: UpstreamHandlers;
}

/** A stream of server messages that ends is opened again after these, at most this often. */
const LISTEN_RETRY_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

/**
 * An MCP session with Splattr over Streamable HTTP as revisions up to 2025-11-25 define it
 * (`Mcp-Session-Id`, the GET stream), moving bytes: request bodies go out as the client wrote
 * them, and each JSON or SSE answer comes back as the bytes of its messages. Hand-written, not
 * the SDK's StreamableHTTPClientTransport, because that one parses, validates and serialises
 * every message again: for a 1 MiB result most of the bridge's time and memory.
 */
export class HttpSession {
  private sessionId: string | undefined;
  private protocolVersion: string | undefined;
  private closed = false;
  private listening = false;
  private readonly inFlight = new Set<ClientRequest>();
  /** Modern requests by id: closing one's response stream is how a modern client cancels it. */
  private readonly modernInFlight = new Map<RequestId, ClientRequest>();

  constructor(private readonly options: HttpSessionOptions) {}

  /** From the client's `initialize` answer on, sent with every request as the spec asks. */
  setProtocolVersion(version: string): void {
    this.protocolVersion = version;
  }

  /**
   * Resolves once Splattr accepted the message (the answer, if any, arrives through
   * `handlers.message`); rejects with an HttpStatusError, or a TypeError when unreachable.
   */
  async send(message: Outgoing): Promise<void> {
    const answer = await this.authorised(
      'POST',
      message.bytes,
      'application/json, text/event-stream',
      message,
    );
    const sessionId = answer.headers['mcp-session-id'];
    if (typeof sessionId === 'string') this.sessionId = sessionId;
    const status = answer.statusCode ?? 0;
    if (status === 202) {
      answer.resume();
      if (message.method === 'notifications/initialized') this.listen(0);
      return;
    }
    if (status < 200 || status >= 300) throw await statusError(answer, 'POSTing to endpoint');
    const type = String(answer.headers['content-type'] ?? '');
    if (type.includes('text/event-stream')) return this.readEvents(answer, message.id);
    if (type.includes('application/json')) return this.readJson(answer, message.id);
    answer.resume();
    if (message.id !== undefined) throw new Error(`Unexpected content type: ${type}`);
  }

  /** Ends the session at Splattr (DELETE), when it has one. */
  async terminate(): Promise<void> {
    if (!this.sessionId) return;
    const answer = await this.authorised('DELETE', undefined, 'application/json');
    answer.resume();
    // 405: the server does not let clients end sessions; it ends them itself.
    if (answer.statusCode !== 405 && (answer.statusCode ?? 0) >= 400) {
      throw new HttpStatusError(answer.statusCode ?? 0, 'Failed to terminate session');
    }
  }

  /** Cancels a modern request the way 2026-07-28 Streamable HTTP says: by closing its stream. */
  cancel(id: RequestId): boolean {
    const request = this.modernInFlight.get(id);
    request?.destroy();
    return request !== undefined;
  }

  /** Stops every request and stream of this session; answers still on their way are lost. */
  close(): void {
    this.closed = true;
    for (const request of this.inFlight) request.destroy();
    this.inFlight.clear();
  }

  private async authorised(
    method: string,
    body: Buffer | undefined,
    accept: string,
    message?: Outgoing,
  ): Promise<IncomingMessage> {
    const { auth } = this.options;
    const token = await auth.getAccessToken();
    let answer = await this.request(method, body, accept, token, message);
    if (answer.statusCode === 401) {
      answer.resume();
      const retry = await auth.refreshAfterRejection(token);
      answer = await this.request(method, body, accept, retry, message);
      if (answer.statusCode === 401) throw await statusError(answer, `${method} after a refresh`);
    }
    if (answer.statusCode === 403 && auth.forbidden) {
      await auth.forbidden({ status: 403, headers: headersOf(answer) }).catch((error: unknown) => {
        answer.resume();
        throw error;
      });
    }
    return answer;
  }

  private async request(
    method: string,
    body: Buffer | undefined,
    accept: string,
    token: string,
    message?: Outgoing,
  ): Promise<IncomingMessage> {
    const { url, transportFor } = this.options;
    const { request, agent, failure } = await transportFor(url);
    const headers: OutgoingHttpHeaders = { accept, authorization: `Bearer ${token}` };
    if (body) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = body.length;
    }
    const modern = message?.modern;
    if (modern) {
      headers['mcp-protocol-version'] = modern.protocolVersion;
      if (message.method) headers['mcp-method'] = message.method;
      if (modern.name !== undefined) headers['mcp-name'] = headerValue(modern.name);
    } else {
      if (this.sessionId) headers['mcp-session-id'] = this.sessionId;
      if (this.protocolVersion) headers['mcp-protocol-version'] = this.protocolVersion;
    }
    if (this.closed) throw new Error('The session with Splattr was closed.');
    const id = modern ? message.id : undefined;
    return new Promise((resolve, reject) => {
      const req = request(url, { method, headers, agent }, (answer) => {
        answer.once('close', () => {
          this.inFlight.delete(req);
          if (id !== undefined && this.modernInFlight.get(id) === req)
            this.modernInFlight.delete(id);
        });
        resolve(answer);
      });
      this.inFlight.add(req);
      if (id !== undefined) this.modernInFlight.set(id, req);
      req.once('error', (error) => {
        this.inFlight.delete(req);
        reject(failure(error));
      });
      req.end(body);
    });
  }

  private readEvents(answer: IncomingMessage, answering: RequestId | undefined): void {
    const { handlers, maxMessageBytes } = this.options;
    const read = createSseReader(maxMessageBytes, {
      data: (data) => handlers.message(data, answering),
      tooLarge: () => handlers.tooLarge(answering),
    });
    answer.on('data', read);
    answer.once('error', (error) => {
      if (!this.closed) handlers.error(error);
    });
  }

  private async readJson(answer: IncomingMessage, answering: RequestId | undefined): Promise<void> {
    const { handlers, maxMessageBytes } = this.options;
    const parts: Buffer[] = [];
    let size = 0;
    for await (const chunk of answer as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxMessageBytes) {
        answer.destroy();
        return handlers.tooLarge(answering);
      }
      parts.push(chunk);
    }
    if (size > 0) {
      handlers.message(parts.length === 1 ? parts[0]! : Buffer.concat(parts, size), answering);
    }
  }

  /** The GET stream, on which Splattr sends what is not an answer to one request. */
  private listen(attempt: number): void {
    if (this.listening || this.closed || !this.sessionId) return;
    this.listening = true;
    let retry = true;
    void this.authorised('GET', undefined, 'text/event-stream')
      .then(async (answer) => {
        const status = answer.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          answer.resume();
          // 405: Splattr offers no such stream; other refusals would be refused again.
          retry = status >= 500;
          if (status !== 405) throw new HttpStatusError(status, 'Failed to open the SSE stream');
          return;
        }
        attempt = 0;
        this.readEvents(answer, undefined);
        await new Promise((resolve) => answer.once('close', resolve));
      })
      .catch((error: unknown) => {
        if (!this.closed) this.options.handlers.error(error);
      })
      .finally(() => {
        this.listening = false;
        if (!retry || this.closed || attempt >= LISTEN_RETRY_MS.length) return;
        setTimeout(() => this.listen(attempt + 1), LISTEN_RETRY_MS[attempt]).unref();
      });
  }
}

function headersOf(answer: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(answer.headers)) {
    for (const one of [value ?? []].flat()) headers.append(name, one);
  }
  return headers;
}

/** A refusal's body is read up to this: an explanation, never a result. */
const REFUSAL_BYTES = 64 * 1024;

/** The error for a refusal, with the start of Splattr's explanation (never a token). */
async function statusError(answer: IncomingMessage, doing: string): Promise<HttpStatusError> {
  let text = '';
  for await (const chunk of answer as AsyncIterable<Buffer>) {
    if (text.length < REFUSAL_BYTES) text += chunk.toString('utf8');
  }
  const status = answer.statusCode ?? 0;
  const message = `Error ${doing} (HTTP ${status}): ${text.slice(0, 1_000)}`;
  return new HttpStatusError(status, message, rpcErrorIn(text));
}

function rpcErrorIn(text: string): RpcErrorBody | undefined {
  try {
    const body = JSON.parse(text) as Partial<RpcErrorBody> | null;
    const error = body?.error;
    if (typeof error?.code !== 'number' || typeof error.message !== 'string') return undefined;
    return { id: body?.id, error };
  } catch {
    return undefined;
  }
}
