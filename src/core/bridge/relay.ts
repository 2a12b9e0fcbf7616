import type { JSONRPCResponse, RequestId } from '@modelcontextprotocol/sdk/types.js';
import type { SavedServer } from '../registry/statusFiles';
import type { ClientId } from '../../shared/clients';
import { CompanionError, ERROR_MESSAGES } from '../../shared/errors';
import { readClientMessage, type ClientMessage } from './clientMessages';
import {
  isModernError,
  MODERN_VERSION,
  modernVersionOf,
  nameHeaderOf,
  requestBytes,
  type Era,
} from './eras';
import {
  cannotRelayToModern,
  discoverResult,
  factsFromDiscover,
  factsFromInitialize,
  initializeResult,
  legacyInitializeParams,
  LISTEN_UNAVAILABLE,
  withModernMeta,
  withoutModernMeta,
  type LegacyClient,
} from './eraMapping';
import {
  HttpStatusError,
  RECONNECT_MS,
  refusedForGood,
  type Outgoing,
  type UpstreamHandlers,
} from './httpSession';
import { SavedCopy } from './savedCopy';
import { decode, leadingId, membersOf } from './jsonScan';
import {
  asRequestId,
  BRIDGE_ERROR_CODES,
  errorResponse,
  isToolAuthError,
  JSONRPC_ERROR_CODES,
  progressTokenOf,
  signInSentence,
  SIGN_IN_NEEDED_META,
  TOOL_AUTH_ERROR_TEXT,
  toolErrorResult,
} from './messages';
import type { Downstream } from './stdio';
import { StatusReporter } from './statusReporter';
import { withTimeout } from '../withTimeout';
import type { BridgeLog, BridgeStatusSink, ServerEras } from './types';

/** A session toward Splattr: HttpSession in production. */
export interface Upstream {
  send(message: Outgoing): Promise<void>;
  /** Closes a modern request's response stream; false when it has none open. */
  cancel(id: RequestId): boolean;
  setProtocolVersion(version: string): void;
  terminate(): Promise<void>;
  close(): void;
}

export interface RelayOptions {
  /** Toward the AI client: stdio in production. */
  downstream: Downstream;
  /** Opens a new session toward Splattr (called again when a session is lost). */
  openUpstream: (handlers: UpstreamHandlers) => Upstream;
  /** One refresh of the token last sent, after a tool result said Splattr did not accept it. */
  refreshAfterToolAuthError: () => Promise<void>;
  client: ClientId;
  status: BridgeStatusSink;
  log: BridgeLog;
  /** No request waits longer than this for its answer (reset by each progress notification). */
  requestTimeoutMs: number;
  /** The largest message relayed either way, in bytes. */
  maxMessageBytes: number;
  /** Called when every answer owed to the client has been written. */
  idle?: () => void;
  /** What Splattr last said about itself, kept in the status file by earlier bridges. */
  savedServer?: SavedServer;
  /** Whether someone signed in again since it was last asked (Reconnect in the app or CLI). */
  signedInAgain?: () => Promise<boolean>;
  /** What earlier bridges learnt of the eras Splattr speaks (kept per origin). */
  serverEras?: ServerEras;
  /** Splattr's origin, under which what the bridge learns of its eras is kept. */
  origin?: string;
}

/**
 * How client messages reach Splattr: `direct` when both speak the same era (or Splattr both),
 * `toModern` for a legacy client and a modern-only Splattr, `toLegacy` for the reverse.
 */
type Route = 'direct' | 'toModern' | 'toLegacy';

/** A legacy Splattr's question waiting for a modern client's retry. */
interface HeldAsk {
  serverId: RequestId;
  /** Its key in `inputRequests`, under which the retry carries the answer. */
  key: string;
  /** The call whose response stream it came on. */
  stream: RequestId;
}

interface Pending {
  request: ClientMessage;
  timer: NodeJS.Timeout | undefined;
  progressToken?: RequestId;
  /** Each recovery (tool auth error, lost session) is tried once per request. */
  retriedAuth: boolean;
}

const INTERNAL_ID_PREFIX = 'splattr-bridge-';
const CLOSE_GRACE_MS = 2_000;
/** While signed out, how often the bridge looks for a sign-in made elsewhere. */
const SIGN_IN_CHECK_MS = 2_000;
/** What a request is answered when Splattr ended the stream of its answer without it. */
const STREAM_ENDED = 'Splattr closed the connection before answering. Please try again.';

/**
 * Relays JSON-RPC between the AI client and Splattr message by message, as bytes. It reads
 * only what routing needs (id, method) and steps in only where the connection needs it: tokens
 * Splattr no longer accepts, a lost upstream session (re-opened by replaying the client's own
 * `initialize`), a sign-in that is needed, Splattr being unreachable, requests that would
 * otherwise wait forever, and input that is not JSON-RPC at all.
 */
export class Relay {
  private upstream: Upstream;
  private reopening: Promise<Upstream> | undefined;
  /** Set when the session may belong to tokens that are gone: re-open before the next send. */
  private stale = false;
  private initializeRequest: ClientMessage | undefined;
  private initializedNotification: ClientMessage | undefined;
  private protocolVersion: string | undefined;
  private readonly pending = new Map<RequestId, Pending>();
  private readonly internal = new Map<RequestId, (response: JSONRPCResponse) => void>();
  /** Ids of Splattr's own requests the client has yet to answer (as JSON, so 1 ≠ "1"). */
  private readonly askedByServer = new Set<string>();
  private internalIds = 0;
  private readonly status: StatusReporter;
  private closing = false;
  /** Splattr answered an `initialize` of this bridge: from then on, errors are Splattr's. */
  private connected = false;
  /** Set while the client is answered from the saved copy, until a sign-in elsewhere. */
  private signedOut: NodeJS.Timeout | undefined;
  private recovering: Promise<void> | undefined;
  private readonly copy: SavedCopy;
  private clientEra: Era | undefined;
  private route: Route = 'direct';
  private eras: ServerEras;
  /** A legacy client's `initialize`, which a modern Splattr gets in each request's `_meta`. */
  private legacyClient: LegacyClient | undefined;
  /** A legacy Splattr's `initialize` answer, from which a modern client is told about it. */
  private legacyServer: Record<string, unknown> | undefined;
  private openingLegacy: Promise<void> | undefined;
  /** A legacy Splattr's questions put to a modern client, by the `requestState` it was given. */
  private readonly heldAsks = new Map<string, HeldAsk>();
  /** Names each held ask. Only this bridge's own client can send one back, so a count is
   * enough; a random id would load node:crypto into every bridge (about 2 MiB resident). */
  private asksHeld = 0;
  /** A legacy call that asked the client something, to the client's retry that now owns it. */
  private readonly streamOwner = new Map<RequestId, RequestId>();
  /** Questions the bridge put to the client for a modern Splattr (`input_required`). */
  private readonly askedByBridge = new Map<RequestId, (response: JSONRPCResponse) => void>();
  /** The bridge's own `subscriptions/listen` for a legacy client, while it is wanted. */
  private subscription: RequestId | undefined;
  /** Subscriptions opened since Splattr last acknowledged one. */
  private subscriptionAttempts = 0;
  private subscriptionTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: RelayOptions) {
    this.status = new StatusReporter(options.status, options.log);
    this.upstream = this.open();
    this.copy = new SavedCopy(options.savedServer ?? {}, (saved) => this.status.saveServer(saved));
    this.eras = { ...options.serverEras };
  }

  /** One line the client wrote. */
  fromClient(line: Buffer): void {
    const read = readClientMessage(line);
    if (!read.ok) {
      this.options.log.warn('client message refused', { reason: read.reason });
      if (read.answer) this.toClient(read.answer);
      return;
    }
    const message = read.message;
    if (message.kind !== 'response' && !this.clientEra) {
      this.clientEra = modernVersionOf(message.body.params) ? 'modern' : 'legacy';
    }
    const askedByBridge = message.kind === 'response' && this.askedByBridge.get(message.id!);
    if (askedByBridge) return askedByBridge(message.body as unknown as JSONRPCResponse);
    if (message.kind === 'response') {
      // An answer to nothing Splattr asked would reach a session that expects none.
      if (!this.askedByServer.delete(JSON.stringify(message.id))) {
        this.options.log.warn('client answer to an unknown request dropped');
        return;
      }
    } else if (message.kind === 'request') {
      if (this.pending.has(message.id!)) {
        this.options.log.warn('request id already in use', { method: message.method });
        const sentence = 'Invalid request: this id is already used by a request still waiting.';
        return this.toClient(
          errorResponse(message.id!, JSONRPC_ERROR_CODES.invalidRequest, sentence),
        );
      }
      if (message.method === 'initialize') this.initializeRequest = message;
      this.track(message);
      this.status.used();
    } else {
      if (message.method === 'notifications/initialized') this.initializedNotification = message;
      // The server will not answer a cancelled request, and the client expects no answer.
      if (message.method === 'notifications/cancelled') {
        this.settle(asRequestId(message.body.params?.requestId));
      }
    }
    if (this.signedOut) void this.whileSignedOut(message);
    else void this.dispatch(message);
  }

  /** Sends a client message on its way, by the route the two eras need. */
  private async dispatch(message: ClientMessage): Promise<void> {
    if (this.route === 'direct') {
      // What earlier bridges learnt saves a refused first request.
      if (
        this.clientEra === 'legacy' &&
        message.method === 'initialize' &&
        this.eras.legacy === false
      ) {
        this.route = 'toModern';
      } else if (this.clientEra === 'modern' && this.eras.modern === false) {
        this.route = 'toLegacy';
      }
    }
    if (this.route === 'toModern') return this.toModern(message);
    if (this.route === 'toLegacy') return this.toLegacy(message);
    if (this.clientEra === 'modern' && message.method === 'notifications/cancelled') {
      // Over HTTP, a modern request is cancelled by closing its response stream.
      const id = asRequestId(message.body.params?.requestId);
      if (id !== undefined) this.upstream.cancel(id);
      return;
    }
    return this.forward(message);
  }

  /** The message as it goes out on the current route. */
  private outgoing(message: ClientMessage): Outgoing {
    const { id, method } = message;
    const params = message.body.params;
    if (this.route === 'toModern') {
      const body = { ...message.body, params: withModernMeta(params, this.legacyClient) };
      const modern = { protocolVersion: MODERN_VERSION, name: nameHeaderOf(method, params) };
      return { bytes: Buffer.from(JSON.stringify(body)), id, method, modern };
    }
    if (this.route === 'direct' && this.clientEra === 'modern') {
      const protocolVersion = modernVersionOf(params) ?? MODERN_VERSION;
      return {
        bytes: message.bytes,
        id,
        method,
        modern: { protocolVersion, name: nameHeaderOf(method, params) },
      };
    }
    if (this.route === 'toLegacy' && modernVersionOf(params)) {
      // A dual-era Splattr would take a request with modern `_meta` for a modern one.
      const body = { ...message.body, params: withoutModernMeta(params) };
      return { bytes: Buffer.from(JSON.stringify(body)), id, method };
    }
    return { bytes: message.bytes, id, method };
  }

  private learnt(era: Era, speaks: boolean): void {
    if (this.eras[era] === speaks) return;
    this.eras = { ...this.eras, [era]: speaks };
    if (this.options.origin) this.status.learntEras({ [this.options.origin]: this.eras });
  }

  /**
   * A legacy client and a Splattr that speaks only 2026-07-28: `initialize` is answered from
   * `server/discover`, the client's session-level state travels in each request's `_meta`,
   * and what the client cannot send (ping, setLevel, initialized) is answered here.
   */
  private async toModern(message: ClientMessage): Promise<void> {
    const { method } = message;
    const params = message.body.params ?? {};
    if (message.kind === 'notification') {
      if (method === 'notifications/cancelled') {
        const id = asRequestId(params.requestId);
        if (id !== undefined) this.upstream.cancel(id);
      }
      // Modern Splattr takes no client notifications over HTTP: initialized has no meaning there.
      return;
    }
    if (message.kind !== 'request') return;
    if (method === 'initialize') return this.initializeFromDiscover(message);
    if (method === 'ping') return this.answerHere(message, {});
    if (method === 'logging/setLevel') {
      if (typeof params.level === 'string')
        this.legacyClient = { ...this.legacyClient!, logLevel: params.level };
      return this.answerHere(message, {});
    }
    return this.forward(message);
  }

  private answerHere(message: ClientMessage, result: object): void {
    if (!this.settle(message.id)) return;
    this.toClient({ jsonrpc: '2.0', id: message.id!, result });
  }

  private async initializeFromDiscover(message: ClientMessage): Promise<void> {
    const params = message.body.params ?? {};
    this.legacyClient = legacyClientOf(message);
    let response: JSONRPCResponse;
    try {
      response = await this.modernCall('server/discover', {});
    } catch (error) {
      if (
        error instanceof HttpStatusError &&
        error.code === 400 &&
        !isModernError(error.body?.error.code)
      ) {
        // The era learnt earlier is wrong now (Splattr changed): speak legacy again.
        this.options.log.info('Splattr speaks legacy MCP again');
        this.learnt('modern', false);
        this.learnt('legacy', true);
        this.route = 'direct';
        return this.forward(message);
      }
      return this.failed(message, error);
    }
    if (!this.pending.has(message.id!)) return;
    if ('error' in response) {
      this.settle(message.id);
      return this.toClient({ jsonrpc: '2.0', id: message.id!, error: response.error });
    }
    const result = initializeResult(params.protocolVersion, factsFromDiscover(response.result));
    this.settle(message.id);
    this.noteInitialize({ jsonrpc: '2.0', id: message.id!, result } as JSONRPCResponse);
    this.status.healthy();
    this.toClient({ jsonrpc: '2.0', id: message.id!, result });
    this.listenForChanges();
  }

  /** A request of the bridge's own to a modern Splattr, with the client's `_meta`. */
  private async modernCall(
    method: string,
    params: Record<string, unknown>,
  ): Promise<JSONRPCResponse> {
    const id = `${INTERNAL_ID_PREFIX}${++this.internalIds}`;
    const answer = this.internalRequest(id);
    answer.catch(() => undefined);
    await this.upstream.send({
      bytes: requestBytes(id, method, withModernMeta(params, this.legacyClient)),
      id,
      method,
      modern: { protocolVersion: MODERN_VERSION },
    });
    return answer;
  }

  /** Legacy clients hear of tool list changes as notifications: modern Splattr streams them. */
  private listenForChanges(): void {
    if (this.closing) return;
    const id = `${INTERNAL_ID_PREFIX}${++this.internalIds}`;
    this.subscription = id;
    const params = withModernMeta({ notifications: { toolsListChanged: true } }, this.legacyClient);
    void this.upstream
      .send({
        bytes: requestBytes(id, 'subscriptions/listen', params),
        id,
        method: 'subscriptions/listen',
        modern: { protocolVersion: MODERN_VERSION },
      })
      .catch((error: unknown) => {
        if (this.subscription !== id || this.closing) return;
        this.options.log.warn('tool list changes not followed', describe(error));
        if (refusedForGood(error)) this.subscription = undefined;
        else this.listenAgain();
      });
  }

  /**
   * Splattr ended the subscription (a restart, a proxy's idle timeout, a graceful close): it is
   * opened again after a backoff, a bounded number of times until Splattr acknowledges one.
   */
  private listenAgain(): void {
    this.subscription = undefined;
    if (this.closing || this.route !== 'toModern') return;
    const delay = RECONNECT_MS[this.subscriptionAttempts++];
    if (delay === undefined) {
      this.options.log.warn('tool list changes no longer followed: Splattr keeps ending them');
      return;
    }
    this.options.log.info('subscription ended; listening again', { inMs: delay });
    this.subscriptionTimer = setTimeout(() => this.listenForChanges(), delay);
    this.subscriptionTimer.unref();
  }

  /** Whether the client, or the bridge itself, still waits for the answer to `id`. */
  private awaits(id: RequestId): boolean {
    if (id === this.subscription || this.internal.has(id)) return true;
    if (this.pending.has(this.streamOwner.get(id) ?? id)) return true;
    return [...this.heldAsks.values()].some((held) => held.stream === id);
  }

  /** The answer to `id` will not come: its stream ended, and could not be resumed. */
  private unanswered(id: RequestId, error: unknown): void {
    if (id === this.subscription) return this.listenAgain();
    const failure = error ?? new CompanionError('server_error', STREAM_ENDED);
    this.options.log.warn('stream ended before its answer', describe(failure));
    const waiter = this.internal.get(id);
    if (waiter) {
      const sentence = unreachableSentence(failure);
      return waiter(errorResponse(id, BRIDGE_ERROR_CODES.unreachable, sentence) as JSONRPCResponse);
    }
    // A question held for a modern client's retry can no longer be answered: the retry goes
    // to Splattr as a call of its own.
    for (const [state, held] of this.heldAsks) if (held.stream === id) this.heldAsks.delete(state);
    const owner = this.streamOwner.get(id) ?? id;
    this.streamOwner.delete(id);
    const pending = this.pending.get(owner);
    if (pending) this.failed(pending.request, failure);
  }

  /**
   * A modern Splattr asks its questions in an `input_required` result (MRTR): each goes to the
   * legacy client as the server-to-client request it knows, and the call is made again with
   * the answers and the state Splattr gave.
   */
  private async answerInputRequests(
    pending: Pending,
    result: Record<string, unknown>,
  ): Promise<void> {
    const id = pending.request.id!;
    clearTimeout(pending.timer);
    const inputResponses: Record<string, unknown> = {};
    const asks = Object.entries(
      (result.inputRequests as Record<string, { method: string; params?: unknown }>) ?? {},
    );
    for (const [key, ask] of asks) {
      const answer = await this.askClient(ask.method, ask.params);
      if (!this.pending.has(id)) return;
      if (!answer || 'error' in answer) {
        this.settle(id);
        const why = answer && 'error' in answer ? answer.error.message : 'no answer in time';
        const sentence = `The AI client did not answer Splattr's ${ask.method} request: ${why}`;
        return this.toClient(errorResponse(id, JSONRPC_ERROR_CODES.internalError, sentence));
      }
      inputResponses[key] = answer.result;
    }
    pending.timer = this.timeoutFor(id);
    const body = pending.request.body;
    pending.request = {
      ...pending.request,
      body: {
        ...body,
        params: { ...body.params, inputResponses, requestState: result.requestState },
      },
    };
    await this.forward(pending.request);
  }

  private askClient(method: string, params: unknown): Promise<JSONRPCResponse | undefined> {
    const id = `${INTERNAL_ID_PREFIX}${++this.internalIds}`;
    return withTimeout(
      new Promise<JSONRPCResponse>((resolve) => {
        this.askedByBridge.set(id, resolve);
        this.toClient({ jsonrpc: '2.0', id, method, params });
      }),
      this.options.requestTimeoutMs,
    )
      .catch(() => undefined)
      .finally(() => this.askedByBridge.delete(id));
  }

  /**
   * A modern client and a Splattr that speaks only legacy MCP: a session is opened with an
   * `initialize` made from the client's `_meta`, and `server/discover` answered from it. What
   * a modern client cannot take (Splattr's own requests) gets an error that names it.
   */
  private async toLegacy(message: ClientMessage): Promise<void> {
    try {
      await (this.openingLegacy ??= this.openLegacySession(message));
    } catch (error) {
      this.openingLegacy = undefined;
      if (error instanceof HttpStatusError && isModernError(error.body?.error.code)) {
        this.options.log.info('Splattr speaks modern MCP again');
        this.learnt('modern', true);
        this.route = 'direct';
        return this.forward(message);
      }
      return this.failed(message, error);
    }
    if (message.method === 'server/discover') {
      return this.answerHere(message, discoverResult(factsFromInitialize(this.legacyServer ?? {})));
    }
    const held = this.heldAsks.get(String(message.body.params?.requestState));
    if (held && message.kind === 'request') return this.answerHeldAsk(message, held);
    if (message.method === 'notifications/cancelled') {
      // The client cancels its retry; Splattr knows the call by the id it first had.
      const requestId = asRequestId(message.body.params?.requestId);
      const first = [...this.streamOwner].find(([, owner]) => owner === requestId)?.[0];
      if (first !== undefined) {
        const body = { ...message.body, params: { ...message.body.params, requestId: first } };
        return this.forward({ ...message, bytes: Buffer.from(JSON.stringify(body)), body });
      }
    }
    if (message.method === 'subscriptions/listen') {
      this.settle(message.id);
      return this.toClient(errorResponse(message.id!, -32601, LISTEN_UNAVAILABLE));
    }
    return this.forward(message);
  }

  private async openLegacySession(first: ClientMessage): Promise<void> {
    const meta = (first.body.params?._meta ?? {}) as Record<string, unknown>;
    const id = `${INTERNAL_ID_PREFIX}${++this.internalIds}`;
    const params = legacyInitializeParams(meta);
    const body = { jsonrpc: '2.0' as const, id, method: 'initialize', params };
    // Kept as if the client had sent them, so a lost session is re-opened the usual way.
    this.initializeRequest = {
      bytes: Buffer.from(JSON.stringify(body)),
      kind: 'request',
      id,
      method: 'initialize',
      body,
    };
    const initialized = { jsonrpc: '2.0' as const, method: 'notifications/initialized' };
    this.initializedNotification = {
      bytes: Buffer.from(JSON.stringify(initialized)),
      kind: 'notification',
      method: initialized.method,
      body: initialized,
    };
    const answer = this.internalRequest(id);
    answer.catch(() => undefined);
    await this.upstream.send({ bytes: this.initializeRequest.bytes, id, method: 'initialize' });
    const response = await answer;
    if ('error' in response) throw new Error(`initialize failed: ${response.error.message}`);
    this.noteInitialize(response);
    this.legacyServer = response.result;
    this.learnt('legacy', true);
    await this.upstream.send(this.outgoing(this.initializedNotification));
  }

  /** A line longer than the limit went by: its request, when its id was readable, gets an error. */
  clientLineTooLong(head: Buffer): void {
    const id = leadingId(head);
    const limit = Math.round(this.options.maxMessageBytes / (1024 * 1024));
    this.options.log.warn('client message over the size limit dropped', { bytesKept: head.length });
    const sentence = `Invalid request: the message is larger than the ${limit} MiB the Splattr bridge relays.`;
    this.toClient(errorResponse(id, JSONRPC_ERROR_CODES.invalidRequest, sentence));
  }

  /** Ends the upstream session (best effort, bounded) and stops reading the client. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearInterval(this.signedOut);
    clearTimeout(this.subscriptionTimer);
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    this.options.downstream.close();
    const upstream = this.upstream;
    await withTimeout(upstream.terminate(), CLOSE_GRACE_MS).catch((error: unknown) =>
      this.options.log.info('upstream session not closed', describe(error)),
    );
    upstream.close();
    await withTimeout(this.status.flush(), CLOSE_GRACE_MS).catch(() => undefined);
  }

  private open(): Upstream {
    const upstream: Upstream = this.options.openUpstream({
      message: (bytes, answering) => this.fromUpstream(bytes, answering),
      tooLarge: (answering) => this.answerTooLarge(answering),
      error: (error) => this.options.log.warn('upstream stream error', describe(error)),
      listeningAgain: (inMs) =>
        this.options.log.info('GET stream ended; opening it again', { inMs }),
      awaits: (id) => this.awaits(id),
      unanswered: (id, error) => this.unanswered(id, error),
    });
    if (this.protocolVersion) upstream.setProtocolVersion(this.protocolVersion);
    return upstream;
  }

  private track(request: ClientMessage): void {
    const id = request.id!;
    const progressToken = progressTokenOf(request.body.params);
    const entry: Pending = { request, timer: undefined, progressToken, retriedAuth: false };
    this.pending.set(id, entry);
    entry.timer = this.timeoutFor(id);
  }

  private timeoutFor(id: RequestId): NodeJS.Timeout | undefined {
    // A subscription stays open as long as the client listens: it has no answer to wait for.
    if (this.pending.get(id)?.request.method === 'subscriptions/listen') return undefined;
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
    const cancel = {
      jsonrpc: '2.0',
      method: 'notifications/cancelled',
      params: { requestId: id, reason: 'timeout' },
    };
    void this.upstream
      .send({ bytes: Buffer.from(JSON.stringify(cancel)), method: cancel.method })
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
  private async forward(message: ClientMessage, afterReopen = false): Promise<void> {
    let upstream: Upstream | undefined;
    try {
      upstream = await this.session(message);
      await upstream.send(this.outgoing(message));
      if (this.route === 'direct' && message.kind === 'request') {
        if (this.clientEra === 'modern') this.learnt('modern', true);
        else if (message.method === 'initialize') this.learnt('legacy', true);
      }
    } catch (error) {
      if (this.closing) return;
      if (error instanceof HttpStatusError && !afterReopen) {
        const rerouted = this.rerouteAfterRefusal(message, error);
        if (rerouted) return rerouted;
      }
      if (upstream && !afterReopen && httpStatusOf(error) === 404) {
        this.options.log.info('upstream session lost; re-opening');
        await this.reopen(upstream, message.method !== 'initialize').then(
          () => this.forward(message, true),
          (reopenError: unknown) => this.failed(message, reopenError),
        );
        return;
      }
      this.failed(message, error);
    }
  }

  /**
   * Splattr refused a message in a way that says it speaks another era than the bridge took it
   * for (at start, or after an upgrade or a rollback): the route changes, and the message goes
   * again by the new one. Returns undefined when the refusal says nothing about eras.
   */
  private rerouteAfterRefusal(
    message: ClientMessage,
    error: HttpStatusError,
  ): Promise<void> | undefined {
    const modernRefusal = isModernError(error.body?.error.code);
    const legacyRefusal = error.code === 400 && !modernRefusal;
    if (this.route === 'direct' && this.clientEra === 'legacy' && modernRefusal) {
      this.options.log.info('Splattr speaks only modern MCP: translating');
      this.learnt('legacy', false);
      this.learnt('modern', true);
      this.route = 'toModern';
      if (message.method === 'initialize') return this.toModern(message);
      // Splattr changed under a running session: the client's initialize still describes it.
      this.legacyClient = legacyClientOf(this.initializeRequest);
      this.listenForChanges();
      return this.toModern(message);
    }
    if (this.route === 'direct' && this.clientEra === 'modern' && legacyRefusal) {
      this.options.log.info('Splattr speaks only legacy MCP: translating');
      this.learnt('modern', false);
      this.route = 'toLegacy';
      return this.toLegacy(message);
    }
    if (this.route === 'toModern' && legacyRefusal) {
      // A rollback: the client's own initialize opens a legacy session again.
      this.options.log.info('Splattr speaks legacy MCP again');
      this.learnt('modern', false);
      this.learnt('legacy', true);
      this.route = 'direct';
      this.stale = message.method !== 'initialize';
      return this.forward(message, true);
    }
    if (this.route === 'toLegacy' && modernRefusal) {
      this.options.log.info('Splattr speaks modern MCP again');
      this.learnt('legacy', false);
      this.learnt('modern', true);
      this.route = 'direct';
      this.openingLegacy = undefined;
      this.legacyServer = undefined;
      return this.forward(message, true);
    }
    return undefined;
  }

  private session(next: ClientMessage): Promise<Upstream> {
    if (this.reopening) return this.reopening;
    if (!this.stale) return Promise.resolve(this.upstream);
    // A client that (re-)initializes opens its own session: replaying would initialize twice.
    return this.reopen(this.upstream, next.method !== 'initialize');
  }

  /**
   * Replaces `lost` with a new session, once however many messages noticed the loss: the
   * client's recorded `initialize` (under an internal id, its answer kept from the client) and
   * `notifications/initialized` are replayed, so the client never learns of it.
   */
  private reopen(lost: Upstream, replay: boolean): Promise<Upstream> {
    if (this.reopening) return this.reopening;
    if (lost !== this.upstream) return Promise.resolve(this.upstream);
    this.reopening = (async () => {
      lost.close();
      const fresh = this.open();
      this.upstream = fresh;
      if (replay && this.route !== 'toModern' && this.initializeRequest) {
        const id = `${INTERNAL_ID_PREFIX}${++this.internalIds}`;
        const answer = this.internalRequest(id);
        const bytes = Buffer.from(JSON.stringify({ ...this.initializeRequest.body, id }));
        await fresh.send({ bytes, id, method: 'initialize' });
        const response = await answer;
        if ('error' in response) throw new Error(`initialize failed: ${response.error.message}`);
        this.noteInitialize(response);
        if (this.initializedNotification) await fresh.send(this.initializedNotification);
      }
      this.stale = false;
      // Closing the lost session ended the bridge's subscription with it.
      if (this.route === 'toModern' && this.subscription !== undefined) this.listenForChanges();
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

  /** Returns true for a response (see UpstreamHandlers.message). */
  private fromUpstream(bytes: Buffer, answering?: RequestId): boolean {
    const members = membersOf(bytes);
    if (!members) {
      this.options.log.warn('unreadable message from Splattr dropped', { bytes: bytes.length });
      return false;
    }
    if (members.has('method')) {
      this.fromServer(bytes, answering);
      return false;
    }
    const idSpan = members.get('id');
    if (!idSpan) {
      this.options.log.warn('message from Splattr that is not JSON-RPC dropped');
      return false;
    }
    const id = asRequestId(decode(bytes, idSpan));
    if (id === undefined) this.toClient(bytes);
    else this.response(id, bytes);
    return true;
  }

  /** A notification or a request of Splattr's own. */
  private fromServer(bytes: Buffer, answering: RequestId | undefined): void {
    // Splattr's notifications and requests are small: read whole, they are routed on params.
    const message = decode(bytes, { start: 0, end: bytes.length }) as {
      id?: unknown;
      method?: unknown;
      params?: { progressToken?: unknown };
    };
    const id = asRequestId(message?.id);
    if (id !== undefined && this.route === 'toLegacy') {
      return this.askModernClient(id, message as { method: string; params?: object }, answering);
    }
    if (id !== undefined) this.askedByServer.add(JSON.stringify(id));
    // Modern Splattr's acknowledgement of the bridge's own subscription: no client asked.
    if (
      message?.method === 'notifications/subscriptions/acknowledged' &&
      this.route === 'toModern'
    ) {
      this.subscriptionAttempts = 0;
      return;
    }
    if (message?.method === 'notifications/progress') this.progressed(message.params);
    return this.toClient(bytes);
  }

  private progressed(params: { progressToken?: unknown } | undefined): void {
    const token = params?.progressToken;
    for (const p of this.pending.values()) {
      if (p.progressToken === token) {
        clearTimeout(p.timer);
        p.timer = this.timeoutFor(p.request.id!);
      }
    }
  }

  private response(id: RequestId, bytes: Buffer): void {
    const owner = this.streamOwner.get(id);
    if (owner !== undefined) {
      // A call that asked the client something: its result answers the client's retry.
      this.streamOwner.delete(id);
      const renamed = { ...(JSON.parse(bytes.toString('utf8')) as object), id: owner };
      return this.response(owner, Buffer.from(JSON.stringify(renamed)));
    }
    // The answer that ends a subscription, when Splattr closes it gracefully.
    if (id === this.subscription) return this.listenAgain();
    const waiter = this.internal.get(id);
    if (waiter) return waiter(JSON.parse(bytes.toString('utf8')) as JSONRPCResponse);
    const pending = this.pending.get(id);
    if (!pending) {
      // Answered already (timed out) or cancelled: the client must not get a second answer.
      this.options.log.info('late answer dropped');
      return;
    }
    const { method } = pending.request;
    if (this.route === 'toModern' && bytes.includes('"input_required"')) {
      const result = (JSON.parse(bytes.toString('utf8')) as { result?: Record<string, unknown> })
        .result;
      if (result?.resultType === 'input_required')
        return void this.answerInputRequests(pending, result);
    }
    // Only a result that mentions it can be one: the rest is never decoded.
    if (method === 'tools/call' && bytes.includes(TOOL_AUTH_ERROR_TEXT)) {
      if (isToolAuthError(JSON.parse(bytes.toString('utf8')) as JSONRPCResponse)) {
        if (!pending.retriedAuth) {
          pending.retriedAuth = true;
          void this.retryAfterToolAuthError(pending);
          return;
        }
        // A token refreshed a moment ago was refused too: only a new sign-in can help.
        return this.failed(pending.request, new CompanionError('needs_sign_in'));
      }
    }
    this.settle(id);
    if (method === 'initialize') {
      this.noteInitialize(JSON.parse(bytes.toString('utf8')) as JSONRPCResponse);
    } else if (method === 'tools/list' && pending.request.body.params?.cursor === undefined) {
      this.noteTools(JSON.parse(bytes.toString('utf8')) as JSONRPCResponse);
    }
    this.status.healthy();
    this.toClient(bytes);
  }

  /**
   * A legacy Splattr asks its question inside the client's call (elicitation, sampling, roots):
   * the modern client gets it as an `input_required` result, the call stays open upstream, and
   * the client's retry (with the answer and the bridge's `requestState`) answers the question
   * and takes over the call's result. Asked outside any call, it cannot be put to the client.
   */
  private askModernClient(
    serverId: RequestId,
    ask: { method: string; params?: object },
    stream: RequestId | undefined,
  ): void {
    const owner = stream === undefined ? undefined : (this.streamOwner.get(stream) ?? stream);
    if (stream === undefined || owner === undefined || !this.settle(owner)) {
      return this.refuseForModernClient(serverId, ask.method);
    }
    const key = `${ask.method}#1`;
    const requestState = `ask-${++this.asksHeld}`;
    this.heldAsks.set(requestState, { serverId, key, stream });
    this.toClient({
      jsonrpc: '2.0',
      id: owner,
      result: {
        resultType: 'input_required',
        inputRequests: { [key]: { method: ask.method, params: ask.params } },
        requestState,
      },
    });
  }

  private answerHeldAsk(retry: ClientMessage, held: HeldAsk): void {
    const params = retry.body.params ?? {};
    this.heldAsks.delete(String(params.requestState));
    this.streamOwner.set(held.stream, retry.id!);
    const answer = (params.inputResponses as Record<string, unknown> | undefined)?.[held.key];
    const reply =
      answer === undefined
        ? errorResponse(held.serverId, -32602, 'The AI client sent no answer to this request.')
        : { jsonrpc: '2.0', id: held.serverId, result: answer };
    void this.upstream
      .send({ bytes: Buffer.from(JSON.stringify(reply)) })
      .catch((error: unknown) => this.failed(retry, error));
  }

  /** Splattr (legacy) asked a modern client something it has no way to be asked. */
  private refuseForModernClient(id: RequestId, method: unknown): void {
    const sentence = cannotRelayToModern(String(method));
    this.options.log.warn('server request a modern client cannot take refused', {
      method: String(method),
    });
    const refusal = { jsonrpc: '2.0', id, error: { code: -32601, message: sentence } };
    void this.upstream
      .send({ bytes: Buffer.from(JSON.stringify(refusal)) })
      .catch((error: unknown) => this.options.log.warn('refusal not sent', describe(error)));
  }

  private answerTooLarge(answering: RequestId | undefined): void {
    const limit = Math.round(this.options.maxMessageBytes / (1024 * 1024));
    this.options.log.warn('message from Splattr over the size limit dropped');
    const pending = this.settle(answering);
    if (!pending) return;
    const sentence = `Splattr's answer is larger than the ${limit} MiB the Splattr bridge relays.`;
    this.toClient(errorResponse(answering!, JSONRPC_ERROR_CODES.internalError, sentence));
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
  private failed(message: ClientMessage, error: unknown): void {
    const needsSignIn =
      (error instanceof CompanionError && error.code === 'needs_sign_in') ||
      httpStatusOf(error) === 401;
    const pending = message.kind === 'request' ? this.settle(message.id) : undefined;
    this.options.log.warn('message not relayed', {
      method: message.method ?? 'response',
      ...describe(error),
    });
    // Splattr's own JSON-RPC answer in a refusal (a modern server's UnsupportedProtocolVersion,
    // HeaderMismatch…) is its answer to the client, passed on as it is.
    const body = error instanceof HttpStatusError && error.code !== 401 ? error.body : undefined;
    if (
      pending &&
      body &&
      body.id === pending.request.id &&
      error instanceof HttpStatusError &&
      error.code < 500
    ) {
      return this.toClient({ jsonrpc: '2.0', id: body.id, error: body.error });
    }
    if (needsSignIn) {
      const sentence = signInSentence(this.options.client);
      // The session belongs to tokens that are gone: the next message opens a new one.
      this.stale = true;
      // The app shows this on the connection's own row: the generic sentence, as the token
      // manager writes it, so the two writers never flip the file between two texts.
      this.status.signInNeeded(ERROR_MESSAGES.needs_sign_in);
      if (!pending) return;
      // A client that starts while signed out gets a working server it can keep until Reconnect.
      if (!this.connected && this.answeredFromCopy(pending.request)) return;
      const id = pending.request.id!;
      this.toClient(
        pending.request.method === 'tools/call'
          ? toolErrorResult(id, sentence)
          : errorResponse(id, BRIDGE_ERROR_CODES.needsSignIn, sentence),
      );
      return;
    }
    const sentence = unreachableSentence(error);
    this.status.failed(sentence);
    if (pending) {
      this.toClient(errorResponse(pending.request.id!, BRIDGE_ERROR_CODES.unreachable, sentence));
    }
  }

  /** Splattr's answer to an `initialize`: its version for the headers, the rest for the copy. */
  private noteInitialize(response: JSONRPCResponse): void {
    if (!('result' in response)) return;
    this.connected = true;
    const version = response.result.protocolVersion;
    if (typeof version === 'string') {
      this.protocolVersion = version;
      this.upstream.setProtocolVersion(version);
    }
    this.copy.noteInitialize(response.result);
  }

  private noteTools(response: JSONRPCResponse): void {
    if ('result' in response) this.copy.noteTools(response.result);
  }

  /**
   * Answers, from the saved copy, what a client needs to keep Splattr as a working server:
   * `initialize` (with the sign-in sentence as instructions when nothing was saved yet, and
   * tools announcing list changes, which the bridge sends once signed in), `tools/list`,
   * `ping`. Returns false for anything else.
   */
  private answeredFromCopy(request: ClientMessage): boolean {
    const id = request.id!;
    const sentence = signInSentence(this.options.client);
    const facts = this.copy.facts(sentence);
    const marked = (result: object) => ({
      jsonrpc: '2.0',
      id,
      result: {
        ...result,
        _meta: { ...(result as { _meta?: object })._meta, [SIGN_IN_NEEDED_META]: sentence },
      },
    });
    switch (request.method) {
      case 'initialize':
        this.answerWhileSignedOut();
        this.toClient(
          marked(
            initializeResult(
              request.body.params?.protocolVersion,
              facts,
              this.copy.protocolVersion,
            ),
          ),
        );
        return true;
      case 'server/discover':
        this.toClient(marked(discoverResult(facts)));
        return true;
      case 'tools/list':
        this.toClient(marked({ tools: this.copy.tools }));
        return true;
      case 'ping':
        this.toClient({ jsonrpc: '2.0', id, result: {} });
        return true;
      default:
        return false;
    }
  }

  private answerWhileSignedOut(): void {
    if (this.signedOut) return;
    this.options.log.info('signed out: answering from the saved copy until a sign-in');
    this.signedOut = setInterval(() => {
      void this.options.signedInAgain?.().then((again) => (again ? this.recover() : undefined));
    }, SIGN_IN_CHECK_MS).unref();
  }

  /** A message while signed out: after a sign-in elsewhere it goes to Splattr as usual. */
  private async whileSignedOut(message: ClientMessage): Promise<void> {
    if (this.recovering || (await this.options.signedInAgain?.())) await this.recover();
    if (!this.signedOut) return this.forward(message);
    // Nothing reaches Splattr: notifications/initialized is replayed once signed in.
    this.failed(message, new CompanionError('needs_sign_in'));
  }

  /**
   * Opens the session the client's `initialize` asked for, now that there are tokens, and
   * tells the client when Splattr's tools differ from the copy it was given.
   */
  private recover(): Promise<void> {
    this.recovering ??= (async () => {
      const given = JSON.stringify(this.copy.tools);
      try {
        await this.reopen(this.upstream, true);
        const id = `${INTERNAL_ID_PREFIX}${++this.internalIds}`;
        const answer = this.internalRequest(id);
        const list = { jsonrpc: '2.0', id, method: 'tools/list', params: {} };
        await this.upstream.send({
          bytes: Buffer.from(JSON.stringify(list)),
          id,
          method: list.method,
        });
        this.noteTools(await answer);
      } catch (error) {
        this.options.log.info('still signed out', describe(error));
        return;
      }
      clearInterval(this.signedOut);
      this.signedOut = undefined;
      this.options.log.info('signed in again: relaying to Splattr');
      this.status.healthy();
      if (JSON.stringify(this.copy.tools) !== given) {
        this.toClient({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' });
      }
    })().finally(() => {
      this.recovering = undefined;
    });
    return this.recovering;
  }

  private toClient(message: Buffer | object): void {
    try {
      this.options.downstream.write(message, () => {
        if (this.pending.size === 0) this.options.idle?.();
      });
    } catch (error) {
      // Only a message Splattr broke over several lines is decoded here, and it did not parse.
      this.options.log.warn('unreadable message from Splattr dropped', describe(error));
    }
  }
}

/** What a legacy client's `initialize` said about it, which a modern Splattr needs each time. */
function legacyClientOf(initialize: ClientMessage | undefined): LegacyClient {
  const params = initialize?.body.params ?? {};
  return {
    capabilities: (params.capabilities as Record<string, unknown> | undefined) ?? {},
    clientInfo: params.clientInfo,
  };
}

/** The HTTP status an error carries as a numeric `code` (HttpStatusError). */
function httpStatusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' && code >= 100 && code < 600 ? code : undefined;
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
