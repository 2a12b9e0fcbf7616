import type {
  JSONRPCNotification,
  JSONRPCRequest,
  JSONRPCResponse,
  RequestId,
} from '@modelcontextprotocol/sdk/types.js';
import type { ClientId } from '../../shared/clients';
import { CompanionError, ERROR_MESSAGES } from '../../shared/errors';
import {
  BRIDGE_ERROR_CODES,
  errorResponse,
  isNotification,
  isRequest,
  isResponse,
  isToolAuthError,
  progressTokenOf,
  signInSentence,
  toolErrorResult,
} from './messages';
import { StatusReporter } from './statusReporter';
import type {
  BridgeLog,
  BridgeStatusSink,
  JSONRPCMessage,
  Transport,
  UpstreamTransport,
} from './types';

export interface RelayOptions {
  /** Toward the AI client: the SDK's StdioServerTransport in production. */
  downstream: Transport;
  /** Opens a new, unstarted session toward Splattr (called again when a session is lost). */
  openUpstream: () => UpstreamTransport;
  /** One refresh of the token last sent, after a tool result said Splattr did not accept it. */
  refreshAfterToolAuthError: () => Promise<void>;
  client: ClientId;
  status: BridgeStatusSink;
  log: BridgeLog;
  /** No request waits longer than this for its answer (reset by each progress notification). */
  requestTimeoutMs: number;
  /** Called when every answer owed to the client has been written. */
  idle?: () => void;
}

interface Pending {
  request: JSONRPCRequest;
  timer: NodeJS.Timeout;
  progressToken?: string | number;
  /** Each recovery (tool auth error, lost session) is tried once per request. */
  retriedAuth: boolean;
}

const INTERNAL_ID_PREFIX = 'splattr-bridge-';
const CLOSE_GRACE_MS = 2_000;

/**
 * Relays JSON-RPC between the AI client and Splattr message by message, unchanged. It steps in
 * only where the connection needs it: tokens Splattr no longer accepts, a lost upstream session
 * (re-opened by replaying the client's own `initialize`), a sign-in that is needed, Splattr
 * being unreachable, and requests that would otherwise wait forever.
 */
export class Relay {
  private upstream: UpstreamTransport;
  private reopening: Promise<UpstreamTransport> | undefined;
  /** Set when the session may belong to tokens that are gone: re-open before the next send. */
  private stale = false;
  private initializeRequest: JSONRPCRequest | undefined;
  private initializedNotification: JSONRPCNotification | undefined;
  private protocolVersion: string | undefined;
  private readonly pending = new Map<RequestId, Pending>();
  private readonly internal = new Map<RequestId, (response: JSONRPCResponse) => void>();
  private internalIds = 0;
  private readonly status: StatusReporter;
  private closing = false;

  constructor(private readonly options: RelayOptions) {
    this.status = new StatusReporter(options.status, options.log);
    this.upstream = this.open();
  }

  async start(): Promise<void> {
    const { downstream } = this.options;
    downstream.onmessage = (message) => this.fromClient(message);
    downstream.onerror = (error) => this.options.log.warn('client stream error', describe(error));
    await this.upstream.start();
    await downstream.start();
  }

  /** Ends the upstream session (best effort, bounded) and both transports. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    const upstream = this.upstream;
    await withTimeout(upstream.terminateSession(), CLOSE_GRACE_MS).catch((error: unknown) =>
      this.options.log.info('upstream session not closed', describe(error)),
    );
    await upstream.close().catch(() => undefined);
    await this.options.downstream.close().catch(() => undefined);
    await withTimeout(this.status.flush(), CLOSE_GRACE_MS).catch(() => undefined);
  }

  private open(): UpstreamTransport {
    const transport = this.options.openUpstream();
    transport.onmessage = (message) => this.fromUpstream(message);
    transport.onerror = (error) => this.options.log.warn('upstream stream error', describe(error));
    if (this.protocolVersion) transport.setProtocolVersion?.(this.protocolVersion);
    return transport;
  }

  private fromClient(message: JSONRPCMessage): void {
    if (isRequest(message)) {
      if (message.method === 'initialize') this.initializeRequest = message;
      this.track(message);
      this.status.used();
    } else if (isNotification(message)) {
      if (message.method === 'notifications/initialized') this.initializedNotification = message;
      // The server will not answer a cancelled request, and the client expects no answer.
      if (message.method === 'notifications/cancelled') this.settle(requestIdOf(message));
    }
    void this.forward(message);
  }

  private track(request: JSONRPCRequest): void {
    const timer = this.timeoutFor(request.id);
    const progressToken = progressTokenOf(request);
    this.pending.set(request.id, { request, timer, progressToken, retriedAuth: false });
  }

  private timeoutFor(id: RequestId): NodeJS.Timeout {
    return setTimeout(() => this.timedOut(id), this.options.requestTimeoutMs);
  }

  private timedOut(id: RequestId): void {
    const pending = this.settle(id);
    if (!pending) return;
    const seconds = Math.round(this.options.requestTimeoutMs / 1000);
    const sentence = `Splattr did not answer within ${seconds} seconds. Please try again.`;
    this.options.log.warn('request timed out', { method: pending.request.method });
    this.status.failed(sentence);
    this.toClient(errorResponse(id, BRIDGE_ERROR_CODES.timeout, sentence));
    // Lets the server stop working on an answer nobody will read.
    void this.upstream
      .send({
        jsonrpc: '2.0',
        method: 'notifications/cancelled',
        params: { requestId: id, reason: 'timeout' },
      })
      .catch(() => undefined);
  }

  private settle(id: RequestId | undefined): Pending | undefined {
    if (id === undefined) return undefined;
    const pending = this.pending.get(id);
    if (!pending) return undefined;
    clearTimeout(pending.timer);
    this.pending.delete(id);
    return pending;
  }

  /** Sends upstream; a lost session is re-opened and the message sent once more. */
  private async forward(message: JSONRPCMessage, afterReopen = false): Promise<void> {
    let upstream: UpstreamTransport | undefined;
    try {
      upstream = await this.session(message);
      await upstream.send(message);
    } catch (error) {
      if (this.closing) return;
      if (upstream && !afterReopen && isSessionGone(error)) {
        this.options.log.info('upstream session lost; re-opening');
        await this.reopen(upstream, !isInitialize(message)).then(
          () => this.forward(message, true),
          (reopenError: unknown) => this.failed(message, reopenError),
        );
        return;
      }
      this.failed(message, error);
    }
  }

  private session(next: JSONRPCMessage): Promise<UpstreamTransport> {
    if (this.reopening) return this.reopening;
    if (!this.stale) return Promise.resolve(this.upstream);
    // A client that (re-)initializes opens its own session: replaying would initialize twice.
    return this.reopen(this.upstream, !isInitialize(next));
  }

  /**
   * Replaces `lost` with a new session, once however many messages noticed the loss: the
   * client's recorded `initialize` (under an internal id, its answer kept from the client) and
   * `notifications/initialized` are replayed, so the client never learns of it.
   */
  private reopen(lost: UpstreamTransport, replay: boolean): Promise<UpstreamTransport> {
    if (this.reopening) return this.reopening;
    if (lost !== this.upstream) return Promise.resolve(this.upstream);
    this.reopening = (async () => {
      void lost.close().catch(() => undefined);
      const fresh = this.open();
      this.upstream = fresh;
      await fresh.start();
      if (replay && this.initializeRequest) {
        const id = `${INTERNAL_ID_PREFIX}${++this.internalIds}`;
        const answer = this.internalRequest(id);
        await fresh.send({ ...this.initializeRequest, id });
        const response = await answer;
        if ('error' in response) throw new Error(`initialize failed: ${response.error.message}`);
        this.noteProtocolVersion(response);
        if (this.initializedNotification) await fresh.send(this.initializedNotification);
      }
      this.stale = false;
      return fresh;
    })()
      .catch((error: unknown) => {
        // Half-open: the next message tries again from scratch.
        this.stale = true;
        throw error;
      })
      .finally(() => {
        this.reopening = undefined;
      });
    return this.reopening;
  }

  private internalRequest(id: RequestId): Promise<JSONRPCResponse> {
    return withTimeout(
      new Promise<JSONRPCResponse>((resolve) => this.internal.set(id, resolve)),
      this.options.requestTimeoutMs,
    ).finally(() => this.internal.delete(id));
  }

  private fromUpstream(message: JSONRPCMessage): void {
    if (isResponse(message)) return this.response(message);
    if (isNotification(message) && message.method === 'notifications/progress') {
      const token = (message.params as { progressToken?: unknown } | undefined)?.progressToken;
      for (const p of this.pending.values()) {
        if (p.progressToken === token) {
          clearTimeout(p.timer);
          p.timer = this.timeoutFor(p.request.id);
        }
      }
    }
    this.toClient(message);
  }

  private response(response: JSONRPCResponse): void {
    const id = response.id;
    if (id === undefined) return this.toClient(response);
    const waiter = this.internal.get(id);
    if (waiter) return waiter(response);
    const pending = this.pending.get(id);
    if (!pending) {
      // Answered already (timed out) or cancelled: the client must not get a second answer.
      this.options.log.info('late answer dropped');
      return;
    }
    if (pending.request.method === 'tools/call' && isToolAuthError(response)) {
      if (!pending.retriedAuth) {
        pending.retriedAuth = true;
        void this.retryAfterToolAuthError(pending);
        return;
      }
      // A token refreshed a moment ago was refused too: only a new sign-in can help.
      return this.failed(pending.request, new CompanionError('needs_sign_in'));
    }
    this.settle(id);
    if (pending.request.method === 'initialize') this.noteProtocolVersion(response);
    this.status.healthy();
    this.toClient(response);
  }

  private async retryAfterToolAuthError(pending: Pending): Promise<void> {
    this.options.log.info('tool reported an unauthenticated call; refreshing once');
    try {
      await this.options.refreshAfterToolAuthError();
    } catch (error) {
      return this.failed(pending.request, error);
    }
    await this.forward(pending.request);
  }

  /** Answers a request that could not go through; other messages are only logged. */
  private failed(message: JSONRPCMessage, error: unknown): void {
    const needsSignIn =
      (error instanceof CompanionError && error.code === 'needs_sign_in') ||
      httpStatusOf(error) === 401;
    const pending = isRequest(message) ? this.settle(message.id) : undefined;
    const method = isRequest(message) || isNotification(message) ? message.method : 'response';
    this.options.log.warn('message not relayed', { method, ...describe(error) });
    if (needsSignIn) {
      const sentence = signInSentence(this.options.client);
      // The session belongs to tokens that are gone: the next message opens a new one.
      this.stale = true;
      // The app shows this on the connection's own row: the generic sentence, as the token
      // manager writes it, so the two writers never flip the file between two texts.
      this.status.signInNeeded(ERROR_MESSAGES.needs_sign_in);
      if (!pending) return;
      const { id, method: requestMethod } = pending.request;
      this.toClient(
        requestMethod === 'tools/call'
          ? toolErrorResult(id, sentence)
          : errorResponse(id, BRIDGE_ERROR_CODES.needsSignIn, sentence),
      );
      return;
    }
    const sentence = unreachableSentence(error);
    this.status.failed(sentence);
    if (pending) {
      this.toClient(errorResponse(pending.request.id, BRIDGE_ERROR_CODES.unreachable, sentence));
    }
  }

  private noteProtocolVersion(response: JSONRPCResponse): void {
    if (!('result' in response)) return;
    const version = response.result.protocolVersion;
    if (typeof version !== 'string') return;
    this.protocolVersion = version;
    this.upstream.setProtocolVersion?.(version);
  }

  private toClient(message: JSONRPCMessage): void {
    this.options.downstream.send(message).then(
      () => {
        if (this.pending.size === 0) this.options.idle?.();
      },
      (error: unknown) => this.options.log.warn('client not reachable', describe(error)),
    );
  }
}

function isInitialize(message: JSONRPCMessage): boolean {
  return isRequest(message) && message.method === 'initialize';
}

function requestIdOf(notification: JSONRPCNotification): RequestId | undefined {
  const id = (notification.params as { requestId?: unknown } | undefined)?.requestId;
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}

/** The SDK's StreamableHTTPError carries the HTTP status as a numeric `code`. */
function httpStatusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' && code >= 100 && code < 600 ? code : undefined;
}

/** Splattr forgot the session (404 for its id, as the Streamable HTTP spec says). */
function isSessionGone(error: unknown): boolean {
  return httpStatusOf(error) === 404;
}

function unreachableSentence(error: unknown): string {
  if (error instanceof CompanionError) return error.message;
  const status = httpStatusOf(error);
  return status !== undefined && status >= 500
    ? ERROR_MESSAGES.server_error
    : ERROR_MESSAGES.server_unreachable;
}

function describe(error: unknown): Record<string, unknown> {
  // The cause (a keychain or network error) says why; the log file redacts anything token-like.
  if (error instanceof CompanionError)
    return { code: error.code, cause: String(error.cause ?? '') };
  if (error instanceof Error) {
    return { error: error.message, status: httpStatusOf(error), cause: String(error.cause ?? '') };
  }
  return { error: String(error) };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
