/**
 * A MCP 2026-07-28 client over stdio that the tests and the bench own (no SDK speaks this
 * revision yet). It spawns a stdio server the way an AI app does from its config entry — the
 * bridge, usually — and talks to it statelessly: every request carries `_meta` with the protocol
 * version, client info and capabilities; `input_required` results are answered with
 * `inputResponses` and retried (MRTR); progress and every other notification are collected.
 *
 *   const client = spawnModernClient({ command: process.execPath, args: [bridge, '--connection', id], env });
 *   const { supportedVersions } = await client.discover();
 *   const tools = await client.request('tools/list');
 *   const result = await client.callTool('test_progress', { steps: 3 }, { onProgress: (p) => seen.push(p) });
 *   client.onInput = async (request) => ({ action: 'accept', content: { answer: 'teal' } }); // elicitation
 *   const call = client.begin('tools/call', { name: 'test_wait', arguments: { ms: 60000 } });
 *   client.cancel(call.id);                      // notifications/cancelled, as stdio cancels
 *   const listen = client.listen({ toolsListChanged: true });
 *   await listen.acknowledged; await listen.next(); listen.stop();
 *   client.notifications; client.serverRequests; client.stderr;
 *   await client.close();
 *
 * A JSON-RPC error rejects with ModernRpcError (code, data); a request without an answer within
 * `timeoutMs` rejects with the server's stderr tail, so a test never hangs.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export const MODERN_PROTOCOL_VERSION = '2026-07-28';

export type JsonObject = Record<string, unknown>;
export type RequestId = string | number;

export interface ModernClientOptions {
  command: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Sent in every request's `_meta`; default 2026-07-28. */
  protocolVersion?: string;
  clientInfo?: { name: string; version: string };
  /** Default `{ elicitation: {} }`: the client answers elicitation input requests. */
  capabilities?: JsonObject;
  /** Per request, in milliseconds; default 30 000. */
  timeoutMs?: number;
}

export interface InputRequest {
  method: string;
  params?: JsonObject;
}

export interface ProgressParams {
  progressToken: string | number;
  progress: number;
  total?: number;
  message?: string;
}

export interface RequestOptions {
  onProgress?: (progress: ProgressParams) => void;
  /** Answers this request's input requests; default the client's `onInput`. */
  onInput?: (request: InputRequest, key: string) => Promise<JsonObject>;
  /** Return an `input_required` result as it is instead of answering it. */
  raw?: boolean;
  /** Extra `_meta` fields (logLevel, traceparent…), merged over the required ones. */
  meta?: JsonObject;
  timeoutMs?: number;
}

export class ModernRpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'ModernRpcError';
  }
}

const MAX_INPUT_ROUNDS = 8;

interface Pending {
  resolve: (result: JsonObject) => void;
  reject: (error: Error) => void;
  onProgress?: RequestOptions['onProgress'];
  progressToken?: string;
}

export interface Subscription {
  id: RequestId;
  /** The notification types the server agreed to send. */
  acknowledged: Promise<JsonObject>;
  /** Notifications delivered on this subscription, after the acknowledgement. */
  notifications: JsonObject[];
  /** Waits for the next notification on this subscription. */
  next(timeoutMs?: number): Promise<JsonObject>;
  /** Settles when the server ends the subscription (its result, or notifications/cancelled). */
  ended: Promise<void>;
  /** Ends it from the client side (notifications/cancelled for the listen request). */
  stop(): void;
}

export interface ModernClient {
  readonly process: ChildProcess;
  /** Every notification received, in order. */
  readonly notifications: JsonObject[];
  /** Requests the server sent to the client: none are expected from a modern server. */
  readonly serverRequests: JsonObject[];
  /** Lines on stdout that were not JSON: a broken stdio server. */
  readonly strayLines: string[];
  readonly stderr: string;
  onInput?: (request: InputRequest, key: string) => Promise<JsonObject>;
  discover(): Promise<JsonObject>;
  request(method: string, params?: JsonObject, options?: RequestOptions): Promise<JsonObject>;
  callTool(name: string, args?: JsonObject, options?: RequestOptions): Promise<JsonObject>;
  /** Starts a request whose id the test needs (to cancel it); `result` is the final answer. */
  begin(
    method: string,
    params?: JsonObject,
    options?: RequestOptions,
  ): { id: RequestId; result: Promise<JsonObject> };
  cancel(id: RequestId, reason?: string): void;
  listen(filter: JsonObject): Subscription;
  /** Writes one message as it is, for tests of what the server does with odd input. */
  sendRaw(message: JsonObject | string): void;
  /** Closes stdin and waits for the server to exit (then SIGTERM, then SIGKILL). */
  close(): Promise<number | null>;
}

export function spawnModernClient(options: ModernClientOptions): ModernClient {
  const child = spawn(options.command, options.args ?? [], {
    env: options.env ?? process.env,
    cwd: options.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const timeoutMs = options.timeoutMs ?? 30_000;
  const baseMeta = {
    'io.modelcontextprotocol/protocolVersion': options.protocolVersion ?? MODERN_PROTOCOL_VERSION,
    'io.modelcontextprotocol/clientInfo': options.clientInfo ?? {
      name: 'splattr-test-modern-client',
      version: '1.0.0',
    },
    'io.modelcontextprotocol/clientCapabilities': options.capabilities ?? { elicitation: {} },
  };

  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-8000);
  });
  const notifications: JsonObject[] = [];
  const serverRequests: JsonObject[] = [];
  const strayLines: string[] = [];
  const pending = new Map<RequestId, Pending>();
  const subscriptions = new Map<RequestId, (message: JsonObject | 'end') => void>();
  let nextId = 1;
  let exited = false;

  const write = (message: JsonObject | string) => {
    if (exited || !child.stdin.writable) return;
    child.stdin.write(`${typeof message === 'string' ? message : JSON.stringify(message)}\n`);
  };
  const failAll = (why: string) => {
    for (const [id, waiter] of pending) {
      pending.delete(id);
      waiter.reject(new Error(`${why}\nServer stderr:\n${stderr.slice(-2000)}`));
    }
    for (const end of subscriptions.values()) end('end');
  };
  child.on('exit', (code, signal) => {
    exited = true;
    failAll(`The stdio server exited (${signal ?? code}) before answering.`);
  });
  child.on('error', (error) => failAll(`The stdio server could not start: ${error.message}`));

  onLines(child.stdout, (line) => {
    if (!line.trim()) return;
    let message: JsonObject;
    try {
      message = JSON.parse(line) as JsonObject;
    } catch {
      strayLines.push(line);
      return;
    }
    const id = message.id as RequestId | undefined;
    const method = message.method as string | undefined;
    if (method !== undefined && id !== undefined) {
      // 2026-07-28 has no server-to-client requests; answer so a legacy server is not left waiting.
      serverRequests.push(message);
      write({
        jsonrpc: '2.0',
        id,
        error: { code: -32601, message: 'This client speaks MCP 2026-07-28: use input_required.' },
      });
      return;
    }
    if (method !== undefined) return onNotification(message);
    if (id === undefined) return;
    const subscription = subscriptions.get(id);
    if (subscription) return subscription('end');
    const waiter = pending.get(id);
    if (!waiter) return;
    pending.delete(id);
    const error = message.error as { code: number; message: string; data?: unknown } | undefined;
    if (error) waiter.reject(new ModernRpcError(error.code, error.message, error.data));
    else waiter.resolve((message.result ?? {}) as JsonObject);
  });

  const onNotification = (message: JsonObject) => {
    notifications.push(message);
    const params = (message.params ?? {}) as JsonObject;
    if (message.method === 'notifications/progress') {
      for (const waiter of pending.values()) {
        if (waiter.progressToken === params.progressToken) {
          waiter.onProgress?.(params as unknown as ProgressParams);
        }
      }
      return;
    }
    const meta = (params._meta ?? {}) as JsonObject;
    const subscriptionId = meta['io.modelcontextprotocol/subscriptionId'] as RequestId | undefined;
    // On stdio the server ends a subscription with notifications/cancelled naming its request.
    const ended =
      message.method === 'notifications/cancelled' ? (params.requestId as RequestId) : undefined;
    const target = subscriptions.get(subscriptionId ?? ended ?? '');
    if (target) target(ended !== undefined ? 'end' : message);
  };

  const once = (
    method: string,
    params: JsonObject,
    requestOptions: RequestOptions,
  ): { id: RequestId; result: Promise<JsonObject> } => {
    const id = nextId++;
    const progressToken = requestOptions.onProgress ? `progress-${id}` : undefined;
    const meta = {
      ...baseMeta,
      ...requestOptions.meta,
      ...(progressToken ? { progressToken } : {}),
    };
    const result = new Promise<JsonObject>((resolve, reject) => {
      const limit = requestOptions.timeoutMs ?? timeoutMs;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(
          new Error(
            `No answer to ${method} within ${limit} ms.\nServer stderr:\n${stderr.slice(-2000)}`,
          ),
        );
      }, limit);
      pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
        onProgress: requestOptions.onProgress,
        progressToken,
      });
    });
    write({ jsonrpc: '2.0', id, method, params: { ...params, _meta: meta } });
    return { id, result };
  };

  const begin = (method: string, params: JsonObject = {}, requestOptions: RequestOptions = {}) => {
    const first = once(method, params, requestOptions);
    const result = (async () => {
      let answer = await first.result;
      for (let round = 0; !requestOptions.raw && answer.resultType === 'input_required'; round++) {
        if (round >= MAX_INPUT_ROUNDS) {
          throw new Error(`${method} still asked for input after ${MAX_INPUT_ROUNDS} answers.`);
        }
        const answerInput = requestOptions.onInput ?? client.onInput;
        const requests = (answer.inputRequests ?? {}) as Record<string, InputRequest>;
        if (Object.keys(requests).length > 0 && !answerInput) {
          throw new Error(
            `${method} asked for input (${Object.keys(requests)}) and no onInput answers it.`,
          );
        }
        const inputResponses: JsonObject = {};
        for (const [key, request] of Object.entries(requests)) {
          inputResponses[key] = await answerInput!(request, key);
        }
        // A retry is a new request (new id) with the original params, the answers and the state.
        const retry: JsonObject = { ...params, inputResponses };
        if (answer.requestState !== undefined) retry.requestState = answer.requestState;
        answer = await once(method, retry, requestOptions).result;
      }
      return answer;
    })();
    return { id: first.id, result };
  };

  const client: ModernClient = {
    process: child,
    notifications,
    serverRequests,
    strayLines,
    get stderr() {
      return stderr;
    },
    onInput: undefined,
    discover: () => begin('server/discover').result,
    request: (method, params, requestOptions) => begin(method, params, requestOptions).result,
    callTool: (name, args = {}, requestOptions) =>
      begin('tools/call', { name, arguments: args }, requestOptions).result,
    begin,
    cancel: (id, reason = 'The test cancelled the request.') => {
      write({
        jsonrpc: '2.0',
        method: 'notifications/cancelled',
        params: { requestId: id, reason },
      });
      const waiter = pending.get(id);
      if (waiter) {
        pending.delete(id);
        waiter.reject(new Error(`Request ${id} was cancelled by the client.`));
      }
    },
    listen: (filter) => {
      const id = `listen-${nextId++}`;
      const received: JsonObject[] = [];
      const waiting: Array<(message: JsonObject) => void> = [];
      let acknowledge!: (filter: JsonObject) => void;
      let end!: () => void;
      const acknowledged = new Promise<JsonObject>((resolve) => (acknowledge = resolve));
      const ended = new Promise<void>((resolve) => (end = resolve));
      subscriptions.set(id, (message) => {
        if (message === 'end') {
          subscriptions.delete(id);
          return end();
        }
        if (message.method === 'notifications/subscriptions/acknowledged') {
          return acknowledge(((message.params as JsonObject).notifications ?? {}) as JsonObject);
        }
        received.push(message);
        waiting.shift()?.(message);
      });
      write({
        jsonrpc: '2.0',
        id,
        method: 'subscriptions/listen',
        params: { notifications: filter, _meta: baseMeta },
      });
      let taken = 0;
      return {
        id,
        acknowledged,
        notifications: received,
        ended,
        next: (limit = timeoutMs) => {
          if (taken < received.length) return Promise.resolve(received[taken++]!);
          return new Promise<JsonObject>((resolve, reject) => {
            const timer = setTimeout(
              () => reject(new Error(`No notification on subscription ${id} within ${limit} ms.`)),
              limit,
            );
            waiting.push((message) => {
              clearTimeout(timer);
              taken++;
              resolve(message);
            });
          });
        },
        stop: () => {
          write({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id } });
          subscriptions.delete(id);
          end();
        },
      };
    },
    sendRaw: write,
    close: async () => {
      if (exited) return child.exitCode;
      const gone = new Promise<number | null>((resolve) =>
        child.once('exit', (code) => resolve(code)),
      );
      child.stdin.end();
      const patient = (ms: number) =>
        Promise.race([gone, new Promise<'late'>((r) => setTimeout(() => r('late'), ms))]);
      if ((await patient(5_000)) !== 'late') return gone;
      child.kill('SIGTERM');
      if ((await patient(2_000)) !== 'late') return gone;
      child.kill('SIGKILL');
      return gone;
    },
  };
  return client;
}

/**
 * Calls back with each line of a byte stream, decoded. Bytes are joined only once a line is
 * whole: node:readline decodes and joins text as it arrives, which made this client, not the
 * bridge, the slow part of a 1 MiB answer in the bench.
 */
function onLines(input: NodeJS.ReadableStream, line: (text: string) => void): void {
  let parts: Buffer[] = [];
  input.on('data', (chunk: Buffer) => {
    let from = 0;
    for (let end = chunk.indexOf(0x0a); end >= 0; end = chunk.indexOf(0x0a, from)) {
      parts.push(chunk.subarray(from, end));
      const whole = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
      parts = [];
      from = end + 1;
      const text = whole.toString('utf8');
      line(text.endsWith('\r') ? text.slice(0, -1) : text);
    }
    if (from < chunk.length) parts.push(chunk.subarray(from));
  });
}
