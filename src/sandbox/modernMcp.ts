import type { JSONRPCResponse } from '@modelcontextprotocol/sdk/types.js';
import type { Response } from 'express';
import type { AuthenticatedRequest, CallerExtra } from './mcpAuth';
import type { McpEra } from './eras';
import { META, supportedVersions } from './mcpEra';
import { SERVER_INFO, type McpServerOptions } from './mcpServer';
import { runModernExchange } from './modernExchange';
import {
  MODERN_ERROR,
  readModernRequest,
  rpcFailure,
  type ModernRequest,
  type RpcFailure,
} from './modernRequests';
import { PendingRefusal, type Refusal } from './refusals';
import { RequestStates, type RequestBinding } from './requestState';
import { ResponseChannel } from './sse';

const TOOL_LIST_TTL_MS = 5 * 60_000;
const KEEP_ALIVE_MS = 15_000;

/** The client capability each kind of input request needs (mrtr.mdx, Server Requirements 6). */
const CAPABILITY_FOR: Record<string, string> = {
  'elicitation/create': 'elicitation',
  'sampling/createMessage': 'sampling',
  'roots/list': 'roots',
};

/**
 * MCP 2026-07-28 over Streamable HTTP, stateless: every POST carries its version and the client's
 * capabilities in `_meta` and the `Mcp-Method` / `Mcp-Name` headers; `server/discover`,
 * `tools/list`, `tools/call` (with MRTR instead of server-to-client requests) and
 * `subscriptions/listen` for list changes. Hand-written, small, because the MCP SDK does not
 * speak this revision yet; the tools themselves still run in the SDK (see runModernExchange).
 */
export function modernMcp(options: McpServerOptions & { era: () => McpEra; origin: string }): {
  handle: (req: AuthenticatedRequest, res: Response) => Promise<void>;
  /**
   * Ends every subscription: gracefully with its result (the server stops), or abruptly with
   * none (a restart, a proxy's timeout). Returns how many there were.
   */
  endSubscriptions: (graceful: boolean) => number;
  openSubscriptions: () => number;
  /** The next `times` subscriptions are refused with `status`, as a rate limit or a policy does. */
  refuseSubscriptions: (refusal: Refusal | null) => void;
} {
  const states = new RequestStates();
  const openSubscriptions = new Set<(graceful: boolean) => void>();
  const refusal = new PendingRefusal();

  const withServerInfo = (result: Record<string, unknown>) => ({
    resultType: 'complete',
    ...result,
    _meta: { ...(result._meta as object | undefined), [META.serverInfo]: SERVER_INFO },
  });
  const reply = (res: Response, id: ModernRequest['id'], result: Record<string, unknown>) => {
    res.json({ jsonrpc: '2.0', id, result: withServerInfo(result) });
  };
  const fail = (res: Response, failure: RpcFailure) => {
    res.status(failure.status).json(failure.body);
  };
  const invalidParams = (res: Response, request: ModernRequest, message: string) =>
    fail(res, rpcFailure(400, request.id, -32602, `Invalid params: ${message}`));

  const discover = (res: Response, request: ModernRequest) => {
    reply(res, request.id, {
      supportedVersions: supportedVersions(options.era()),
      capabilities: { tools: { listChanged: true } },
      instructions:
        'Splattr: your organization’s contacts. Search, add and enrich contacts, and push them to your CRM.',
      ttlMs: TOOL_LIST_TTL_MS,
      cacheScope: 'public',
    });
  };

  const listen = (res: Response, request: ModernRequest) => {
    const status = refusal.take();
    if (status !== undefined) {
      return fail(
        res,
        rpcFailure(status, request.id, -32000, 'The sandbox was told to refuse this subscription.'),
      );
    }
    const filter = request.params.notifications;
    if (!filter || typeof filter !== 'object') {
      return invalidParams(res, request, 'subscriptions/listen needs a notifications filter.');
    }
    // Splattr has tools only, so that is the one kind of change it can promise to announce.
    const honoured = (filter as { toolsListChanged?: unknown }).toolsListChanged === true;
    const subscription = { [META.subscriptionId]: request.id };
    const channel = new ResponseChannel(res);
    channel.event({
      jsonrpc: '2.0',
      method: 'notifications/subscriptions/acknowledged',
      params: { notifications: honoured ? { toolsListChanged: true } : {}, _meta: subscription },
    });
    const stopListening = honoured
      ? options.toolListChanges.listen(() =>
          channel.event({
            jsonrpc: '2.0',
            method: 'notifications/tools/list_changed',
            params: { _meta: subscription },
          }),
        )
      : () => {};
    const keepAlive = setInterval(() => channel.keepAlive(), KEEP_ALIVE_MS);
    const stop = () => {
      clearInterval(keepAlive);
      stopListening();
      openSubscriptions.delete(end);
    };
    // Ending a subscription gracefully sends its result, per the schema. Stopped at once, so
    // that a count of open subscriptions right after no longer includes it.
    const end = (graceful: boolean) => {
      stop();
      if (!graceful) return void res.destroy();
      channel.finish(200, {
        jsonrpc: '2.0',
        id: request.id,
        result: withServerInfo({ _meta: subscription }),
      });
    };
    openSubscriptions.add(end);
    res.on('close', stop);
  };

  const call = async (req: AuthenticatedRequest, res: Response, request: ModernRequest) => {
    const channel = new ResponseChannel(res);
    const abort = new AbortController();
    res.on('close', () => {
      // Closing the response stream is the client's cancellation (Streamable HTTP, Cancellation).
      if (!res.writableFinished) abort.abort();
    });
    const binding: RequestBinding = {
      principal: (req.auth?.extra as Partial<CallerExtra> | undefined)?.accountId ?? '',
      method: request.method,
      name: String(request.params.name ?? ''),
      arguments: request.params.arguments ?? {},
    };
    const state = request.params.requestState;
    const answers = request.params.inputResponses;
    if (state !== undefined && (typeof state !== 'string' || !states.verify(state, binding))) {
      return invalidParams(
        res,
        request,
        'requestState is not one this server issued for this request, or it expired; call again without it.',
      );
    }
    const outcome = await runModernExchange(options, request, {
      authInfo: req.auth,
      // Answers count only on a retry that carries the state the server issued with its question.
      inputResponses:
        state !== undefined && answers && typeof answers === 'object'
          ? (answers as Record<string, unknown>)
          : undefined,
      notify: (message) => channel.event(message),
      signal: abort.signal,
    });
    if (outcome.kind === 'cancelled') return;
    if (outcome.kind === 'response') return respond(channel, request.method, outcome.message);

    const capability = CAPABILITY_FOR[outcome.request.method] ?? outcome.request.method;
    if (!(capability in request.clientCapabilities)) {
      const failure = rpcFailure(
        400,
        request.id,
        MODERN_ERROR.missingRequiredClientCapability,
        `Missing required client capability: this call needs ${capability}.`,
        { requiredCapabilities: { [capability]: {} } },
      );
      return channel.finish(failure.status, failure.body);
    }
    channel.finish(200, {
      jsonrpc: '2.0',
      id: request.id,
      result: withServerInfo({
        resultType: 'input_required',
        inputRequests: { [outcome.key]: outcome.request },
        requestState: states.sign(binding),
      }),
    });
  };

  const respond = (channel: ResponseChannel, method: string, message: JSONRPCResponse) => {
    if ('result' in message) {
      const result = message.result as Record<string, unknown>;
      return channel.finish(200, {
        ...message,
        result: withServerInfo(method === 'tools/list' ? modernToolList(result) : result),
      });
    }
    channel.finish(200, message);
  };

  return {
    handle: async (req, res) => {
      if (req.method !== 'POST') {
        res
          .status(405)
          .set('Allow', 'POST')
          .json(
            rpcFailure(
              405,
              undefined,
              -32600,
              'MCP 2026-07-28 has no GET stream or sessions: POST each request, and use subscriptions/listen for changes.',
            ).body,
          );
        return;
      }
      const origin = req.headers.origin;
      if (origin !== undefined && origin !== options.origin) {
        fail(res, rpcFailure(403, undefined, -32600, `Requests from ${origin} are not allowed.`));
        return;
      }
      const accept = req.headers.accept ?? '';
      if (!accept.includes('application/json') || !accept.includes('text/event-stream')) {
        fail(
          res,
          rpcFailure(
            406,
            undefined,
            -32600,
            'Not Acceptable: the Accept header must list both application/json and text/event-stream.',
          ),
        );
        return;
      }
      const message = readModernRequest(req, supportedVersions(options.era()));
      if ('status' in message) return fail(res, message);
      // No client notification means anything over HTTP in this revision; accepting is harmless.
      if (message.kind === 'notification') {
        res.status(202).end();
        return;
      }
      const { request } = message;
      switch (request.method) {
        case 'server/discover':
          return discover(res, request);
        case 'subscriptions/listen':
          return listen(res, request);
        case 'tools/list':
        case 'tools/call':
          return call(req, res, request);
        default:
          return fail(
            res,
            rpcFailure(404, request.id, -32601, `Method not found: ${request.method}.`),
          );
      }
    },
    endSubscriptions: (graceful) => {
      const ended = [...openSubscriptions];
      for (const end of ended) end(graceful);
      return ended.length;
    },
    openSubscriptions: () => openSubscriptions.size,
    refuseSubscriptions: (next) => refusal.set(next),
  };
}

/**
 * The SDK's 2025-11-25 tool list as 2026-07-28 has it: a CacheableResult (`ttlMs`, `cacheScope`
 * required, SEP-2549), and no per-tool `execution` (task support), since tasks left the core
 * protocol for the `io.modelcontextprotocol/tasks` extension.
 */
function modernToolList(result: Record<string, unknown>): Record<string, unknown> {
  const tools = (result.tools as Array<Record<string, unknown>>).map((tool) => {
    const modern = { ...tool };
    delete modern.execution;
    return modern;
  });
  return { ...result, tools, ttlMs: TOOL_LIST_TTL_MS, cacheScope: 'public' };
}
