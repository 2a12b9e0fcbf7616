/**
 * Direct 2026-07-28 Streamable HTTP requests to the sandbox, for the tests that check what the
 * server answers on the wire and the bench's direct modern client (no SDK client speaks this
 * revision yet):
 *
 *   const answer = await modernPost(mcpUrl, token, 'tools/call', { name: 'whoami', arguments: {} });
 *   answer.status; answer.messages; // every JSON-RPC message, whether JSON or SSE came back
 *
 * `modernMeta()` builds the required `_meta`; `headers` overrides or removes (undefined) headers.
 */
export const MODERN_VERSION = '2026-07-28';

export function modernMeta(
  overrides: Record<string, unknown> = {},
  capabilities: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    'io.modelcontextprotocol/protocolVersion': MODERN_VERSION,
    'io.modelcontextprotocol/clientInfo': { name: 'sandbox-test', version: '1.0.0' },
    'io.modelcontextprotocol/clientCapabilities': capabilities,
    ...overrides,
  };
}

export interface ModernAnswer {
  status: number;
  headers: Headers;
  contentType: string;
  /** The messages of the answer in order; the last one is the response when there is one. */
  messages: Array<Record<string, unknown>>;
  /** The JSON-RPC response (the message with an id), when one came. */
  response: { id?: unknown; result?: Record<string, unknown>; error?: RpcErrorBody } | undefined;
}

export interface RpcErrorBody {
  code: number;
  message: string;
  data?: Record<string, unknown>;
}

let nextId = 1;

type PostOptions = {
  id?: string | number | null;
  capabilities?: Record<string, unknown>;
  meta?: Record<string, unknown>;
  headers?: Record<string, string | undefined>;
  signal?: AbortSignal;
};

export async function modernPost(
  mcpUrl: string,
  accessToken: string | undefined,
  method: string,
  params: Record<string, unknown> = {},
  options: PostOptions = {},
): Promise<ModernAnswer> {
  return readAnswer(await send(mcpUrl, accessToken, method, params, options));
}

/**
 * A request whose SSE answer is read as it arrives (progress, `subscriptions/listen`):
 * `next()` waits for the next message; `close()` drops the stream, which cancels the request.
 */
export async function modernStream(
  mcpUrl: string,
  accessToken: string | undefined,
  method: string,
  params: Record<string, unknown> = {},
  options: Omit<PostOptions, 'signal'> = {},
): Promise<{
  status: number;
  contentType: string;
  next: (timeoutMs?: number) => Promise<Record<string, unknown> | undefined>;
  close: () => void;
}> {
  const abort = new AbortController();
  const response = await send(mcpUrl, accessToken, method, params, {
    ...options,
    signal: abort.signal,
  });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const ready: Array<Record<string, unknown>> = [];
  let buffer = '';
  let ended = false;
  const next = async (timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    while (ready.length === 0 && !ended) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`No message on the ${method} stream within ${timeoutMs} ms.`);
      const chunk = await Promise.race([
        reader.read(),
        new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), left)),
      ]);
      if (chunk === 'timeout') continue;
      if (chunk.done) {
        ended = true;
        buffer += '\n\n';
      } else {
        buffer += chunk.value;
      }
      const events = buffer.split(/\r?\n\r?\n/);
      buffer = events.pop() ?? '';
      for (const data of sseData(events.join('\n\n'))) ready.push(JSON.parse(data));
    }
    return ready.shift();
  };
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    next,
    close: () => abort.abort(),
  };
}

async function send(
  mcpUrl: string,
  accessToken: string | undefined,
  method: string,
  params: Record<string, unknown>,
  options: PostOptions,
): Promise<Response> {
  const id = options.id === undefined ? nextId++ : options.id;
  const body = {
    jsonrpc: '2.0',
    ...(id === null ? {} : { id }),
    method,
    params: { ...params, _meta: options.meta ?? modernMeta({}, options.capabilities) },
  };
  const name = (params.name ?? params.uri) as string | undefined;
  const headers: Record<string, string | undefined> = {
    'Content-Type': 'application/json',
    Accept: 'application/json, text/event-stream',
    'MCP-Protocol-Version': MODERN_VERSION,
    'Mcp-Method': method,
    ...(name !== undefined ? { 'Mcp-Name': name } : {}),
    ...(accessToken ? { Authorization: `Bearer ${accessToken}` } : {}),
    ...options.headers,
  };
  return fetch(mcpUrl, {
    method: 'POST',
    headers: Object.fromEntries(
      Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined),
    ),
    body: JSON.stringify(body),
    signal: options.signal,
  });
}

export async function readAnswer(response: Response): Promise<ModernAnswer> {
  const contentType = response.headers.get('content-type') ?? '';
  const text = await response.text();
  const messages = contentType.includes('text/event-stream')
    ? sseData(text).map((data) => JSON.parse(data) as Record<string, unknown>)
    : text
      ? [JSON.parse(text) as Record<string, unknown>]
      : [];
  const found = messages.find((message) => 'result' in message || 'error' in message);
  return {
    status: response.status,
    headers: response.headers,
    contentType,
    messages,
    response: found as ModernAnswer['response'],
  };
}

/** The `data` of each SSE event in a complete stream body. */
export function sseData(text: string): string[] {
  return text
    .split(/\r?\n\r?\n/)
    .map((event) =>
      event
        .split(/\r?\n/)
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n'),
    )
    .filter(Boolean);
}
