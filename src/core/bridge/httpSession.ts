import type { ClientRequest, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { RequestId } from '@modelcontextprotocol/sdk/types.js';
import { CompanionError } from '../../shared/errors';
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
   * `answering` is the request on whose response stream it came. Returns true for a response,
   * which is what a request's stream was for: it is not resumed after that.
   */
  message(bytes: Buffer, answering?: RequestId): boolean;
  /** A message larger than the limit was dropped; `answering` is the request its stream was for. */
  tooLarge(answering: RequestId | undefined): void;
  /** A stream that outlives `send` broke (diagnostics only). */
  error(error: unknown): void;
  /** The GET stream ended, or was refused in a way that may pass: it opens again in `inMs`. */
  listeningAgain(inMs: number): void;
  /** Whether the answer to `id` is still awaited: a broken stream is resumed only while it is. */
  awaits(id: RequestId): boolean;
  /**
   * The stream that was to carry the answer to `id` ended without it and cannot be resumed;
   * `error` is why, when something failed rather than Splattr simply ending it.
   */
  unanswered(id: RequestId, error?: unknown): void;
}

export interface HttpSessionOptions {
  url: URL;
  transportFor: TransportFor;
  auth: BridgeAuth;
  maxMessageBytes: number;
  handlers: UpstreamHandlers;
}

/**
 * A stream of Splattr's messages that ends is opened (or resumed) again after these, one per
 * attempt, at most this often; a `retry` Splattr sent takes their place, up to the last one.
 */
export const RECONNECT_MS = [1_000, 2_000, 5_000, 10_000, 30_000];
const MAX_RECONNECT_MS = RECONNECT_MS.at(-1)!;

/** Where an event stream stands, so that it can be resumed after its last event. */
interface StreamCursor {
  /** The request whose answer the stream carries; undefined for the GET stream. */
  answering: RequestId | undefined;
  /** The id of the last event handled, when Splattr gives ids. */
  lastEventId?: string;
  /** The reconnection time Splattr last asked for. */
  retryMs?: number;
  /** The answer came: nothing is left to resume. */
  answered: boolean;
  /** Why the stream's last attempt failed, when it did not simply end. */
  failure?: unknown;
}

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
  private readonly getStream: StreamCursor = { answering: undefined, answered: false };
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
    if (type.includes('text/event-stream')) {
      const cursor: StreamCursor = { answering: message.id, answered: false };
      void this.readEvents(answer, cursor).then(() => this.afterStream(cursor, !message.modern));
      return;
    }
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
    lastEventId?: string,
  ): Promise<IncomingMessage> {
    const { auth } = this.options;
    const token = await auth.getAccessToken();
    let answer = await this.request(method, body, accept, token, message, lastEventId);
    if (answer.statusCode === 401) {
      answer.resume();
      const retry = await auth.refreshAfterRejection(token);
      answer = await this.request(method, body, accept, retry, message, lastEventId);
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
    lastEventId?: string,
  ): Promise<IncomingMessage> {
    const { url, transportFor } = this.options;
    const { request, agent, failure } = await transportFor(url);
    const headers: OutgoingHttpHeaders = { accept, authorization: `Bearer ${token}` };
    if (lastEventId !== undefined) headers['last-event-id'] = lastEventId;
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

  /**
   * Relays a stream's events, keeping its cursor; resolves once the stream is over, however it
   * ended. A resumed stream is closed once its answer came, since Splattr may keep it open.
   */
  private readEvents(
    answer: IncomingMessage,
    cursor: StreamCursor,
    resumed = false,
  ): Promise<void> {
    const { handlers, maxMessageBytes } = this.options;
    const { answering } = cursor;
    const read = createSseReader(maxMessageBytes, {
      data: (data) => {
        if (handlers.message(data, answering)) cursor.answered = true;
      },
      tooLarge: () => handlers.tooLarge(answering),
      eventId: (id) => {
        cursor.lastEventId = id === '' ? undefined : id;
      },
      retry: (ms) => {
        cursor.retryMs = ms;
      },
    });
    answer.on('data', (chunk: Buffer) => {
      read(chunk);
      if (resumed && cursor.answered) answer.destroy();
    });
    answer.once('error', (error) => {
      cursor.failure = error;
      if (!this.closed) handlers.error(error);
    });
    return new Promise((resolve) => answer.once('close', resolve));
  }

  /**
   * A request's stream ended. While its answer is still awaited and Splattr gave event ids,
   * the stream is resumed with a GET carrying `Last-Event-ID` (MCP 2025-11-25, Resumability
   * and Redelivery), after the `retry` Splattr asked for; attempts that bring no new event are
   * bounded. Otherwise the relay is told that the answer will not come.
   */
  private async afterStream(cursor: StreamCursor, resumable: boolean): Promise<void> {
    const { handlers } = this.options;
    const id = cursor.answering;
    if (id === undefined) return;
    let attempt = 0;
    while (!cursor.answered && !this.closed && handlers.awaits(id)) {
      // MCP 2026-07-28 dropped resumption: "Resumable SSE streams via `Last-Event-ID` are not
      // supported" (docs/specification/2026-07-28/basic/transports/streamable-http.mdx).
      if (!resumable || cursor.lastEventId === undefined || attempt >= RECONNECT_MS.length) {
        return handlers.unanswered(id, cursor.failure);
      }
      await new Promise((resolve) => setTimeout(resolve, reconnectDelay(cursor, attempt)).unref());
      if (this.closed || !handlers.awaits(id)) return;
      const from = cursor.lastEventId;
      cursor.failure = undefined;
      try {
        const answer = await this.authorised(
          'GET',
          undefined,
          'text/event-stream',
          undefined,
          from,
        );
        const status = answer.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          throw await statusError(answer, 'resuming the SSE stream');
        }
        await this.readEvents(answer, cursor, true);
      } catch (error) {
        // A refusal (a 404: a session Splattr forgot) or a sign-in to make would happen again.
        if (refusedForGood(error)) return handlers.unanswered(id, error);
        cursor.failure = error;
      }
      attempt = cursor.lastEventId === from ? attempt + 1 : 0;
    }
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

  /**
   * The GET stream, on which Splattr sends what is not an answer to one request. It is opened
   * again when it ends, resuming after its last event when Splattr gives event ids, or when it
   * fails in a way that may pass (refusedForGood).
   */
  private listen(attempt: number): void {
    if (this.listening || this.closed || !this.sessionId) return;
    this.listening = true;
    let again = true;
    let resumptionRefused = false;
    const cursor = this.getStream;
    void this.authorised('GET', undefined, 'text/event-stream', undefined, cursor.lastEventId)
      .then(async (answer) => {
        const status = answer.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          answer.resume();
          resumptionRefused = cursor.lastEventId !== undefined;
          cursor.lastEventId = undefined;
          // 405: Splattr offers no such stream, which is no error.
          if (status === 405) {
            again = false;
            return;
          }
          throw new HttpStatusError(status, 'Failed to open the SSE stream');
        }
        attempt = 0;
        await this.readEvents(answer, cursor);
      })
      .catch((error: unknown) => {
        // A resumption Splattr cannot serve is followed by a new stream, without Last-Event-ID.
        again = resumptionRefused || !refusedForGood(error);
        if (!this.closed) this.options.handlers.error(error);
      })
      .finally(() => {
        this.listening = false;
        if (!again || this.closed || attempt >= RECONNECT_MS.length) return;
        const delay = reconnectDelay(cursor, attempt);
        this.options.handlers.listeningAgain(delay);
        setTimeout(() => this.listen(attempt + 1), delay).unref();
      });
  }
}

/** A 409 (the old connection not yet noticed as gone) or a 429 may pass: they are tried again. */
const PASSING_REFUSALS = new Set([409, 429]);

/**
 * Whether asking Splattr again would be refused again: a 4xx other than the passing ones, or a
 * sign-in to make. A 5xx or an unreachable Splattr may come back, and is tried again.
 */
export function refusedForGood(error: unknown): boolean {
  if (error instanceof HttpStatusError)
    return error.code < 500 && !PASSING_REFUSALS.has(error.code);
  return error instanceof CompanionError && error.code === 'needs_sign_in';
}

/** The wait before a stream's next attempt: Splattr's `retry` when it sent one, bounded. */
function reconnectDelay(cursor: StreamCursor, attempt: number): number {
  return Math.min(cursor.retryMs ?? RECONNECT_MS[attempt]!, MAX_RECONNECT_MS);
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
