import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { BridgeEntry } from '../src/core/bridgeEntry';
import { connectThroughEntry, mcpClientEnv } from '../support/companion';
import { spawnModernClient } from '../support/modernClient';
import { modernPost } from '../support/modernHttp';
import { connectMcp } from '../support/sandbox';
import { withTimeout } from './timeouts';

/**
 * Two era pairings, each against its own direct client: a legacy (2025-11-25, sessions) client
 * through the bridge or mcp-remote, and a 2026-07-28 (stateless) client through the bridge.
 */
export type SubjectName = 'direct' | 'bridge' | 'mcp-remote' | 'modern-direct' | 'modern-bridge';

/** A tools/call result as either era's client hands it over; measure.ts checks its shape. */
export type ToolResult = Record<string, unknown>;

/** One connected MCP client, and the process it talks through when there is one. */
export interface Connection {
  /** Rejects on a JSON-RPC error, or when no answer came within `timeoutMs`. */
  callTool(name: string, args: Record<string, unknown>, timeoutMs: number): Promise<ToolResult>;
  /**
   * From spawn (or, for a direct client, from its creation) to its first answer: the initialize
   * result for a legacy client, the server/discover result for a modern one.
   */
  readyMs: number;
  /** The bridge's or mcp-remote's process; undefined for a direct client. */
  pid?: number;
  /** The tail of what the process wrote to stderr, for when something fails. */
  stderrTail(): string;
  close(): Promise<void>;
}

export interface Subject {
  name: SubjectName;
  connect(): Promise<Connection>;
}

const CONNECT_TIMEOUT_MS = 90_000;
const MCP_REMOTE = path.resolve('node_modules/mcp-remote/dist/proxy.js');
const TOKEN_VARIABLE = 'SPLATTR_BENCH_TOKEN';

/** (a) The MCP SDK's Streamable HTTP client with the bearer token: the floor. */
export function directSubject(mcpUrl: string, accessToken: string): Subject {
  return {
    name: 'direct',
    async connect() {
      const started = performance.now();
      const client = await withTimeout(
        connectMcp(mcpUrl, accessToken),
        CONNECT_TIMEOUT_MS,
        'the direct client to connect',
      );
      const readyMs = performance.now() - started;
      return {
        callTool: legacyCall(client),
        readyMs,
        stderrTail: () => '',
        close: () => client.close(),
      };
    },
  };
}

/** (b) Our bridge, launched exactly as the Cursor config entry the service wrote says. */
export function bridgeSubject(entry: BridgeEntry, home: string): Subject {
  return { name: 'bridge', connect: () => launch(entry, home) };
}

/**
 * (c) mcp-remote as its README configures it for a bearer token: the header names an
 * environment variable, so the token stays out of the arguments. It keeps state under
 * ~/.mcp-auth, hence a HOME of its own.
 */
export async function mcpRemoteSubject(
  mcpUrl: string,
  accessToken: string,
): Promise<Subject & { dispose(): Promise<void> }> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'splattr-bench-mcp-remote-'));
  const entry: BridgeEntry = {
    command: process.execPath,
    args: [
      MCP_REMOTE,
      mcpUrl,
      '--header',
      `Authorization:Bearer \${${TOKEN_VARIABLE}}`,
      '--transport',
      'http-only',
    ],
    env: { [TOKEN_VARIABLE]: accessToken },
  };
  return {
    name: 'mcp-remote',
    connect: () => launch(entry, home),
    dispose: () => rm(home, { recursive: true, force: true }),
  };
}

/**
 * (d) The modern direct floor: each request a POST to the sandbox with the `_meta`, the
 * `Mcp-Method`/`Mcp-Name` headers and the bearer token 2026-07-28 requires. Being stateless, it
 * is ready once `server/discover` has answered.
 */
export function modernDirectSubject(mcpUrl: string, accessToken: string): Subject {
  const post = async (method: string, params: Record<string, unknown>, timeoutMs: number) => {
    const answer = await modernPost(mcpUrl, accessToken, method, params, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    const result = answer.response?.result;
    if (answer.status !== 200 || !result) {
      throw new Error(
        `${method} answered HTTP ${answer.status}: ${JSON.stringify(answer.messages).slice(0, 300)}`,
      );
    }
    return result;
  };
  return {
    name: 'modern-direct',
    async connect() {
      const started = performance.now();
      await post('server/discover', {}, CONNECT_TIMEOUT_MS);
      return {
        callTool: (name, args, timeoutMs) =>
          post('tools/call', { name, arguments: args }, timeoutMs),
        readyMs: performance.now() - started,
        stderrTail: () => '',
        close: async () => undefined,
      };
    },
  };
}

/** (e) A 2026-07-28 stdio client through our bridge, launched from the same Cursor entry as (b). */
export function modernBridgeSubject(entry: BridgeEntry, home: string): Subject {
  return {
    name: 'modern-bridge',
    async connect() {
      const started = performance.now();
      const client = spawnModernClient({
        command: entry.command,
        args: entry.args,
        env: mcpClientEnv(home, entry.env),
        timeoutMs: CONNECT_TIMEOUT_MS,
      });
      try {
        await client.discover();
      } catch (error) {
        await client.close();
        throw error;
      }
      return {
        callTool: (name, args, timeoutMs) => client.callTool(name, args, { timeoutMs }),
        readyMs: performance.now() - started,
        pid: client.process.pid,
        stderrTail: () => client.stderr.slice(-4000),
        close: async () => void (await client.close()),
      };
    },
  };
}

async function launch(entry: BridgeEntry, home: string): Promise<Connection> {
  const started = performance.now();
  const client = await withTimeout(
    connectThroughEntry(entry, home),
    CONNECT_TIMEOUT_MS,
    `${path.basename(entry.args.find((arg) => !arg.startsWith('-')) ?? entry.command)} to answer initialize`,
  );
  const readyMs = performance.now() - started;
  const transport = client.transport as StdioClientTransport;
  // Drained, or a chatty process would block once the pipe is full (stderr writes to a pipe
  // are synchronous on Linux).
  let tail = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
  });
  return {
    callTool: legacyCall(client),
    readyMs,
    pid: transport.pid ?? undefined,
    stderrTail: () => tail,
    close: () => client.close(),
  };
}

function legacyCall(client: Client): Connection['callTool'] {
  return (name, args, timeout) =>
    client.callTool({ name, arguments: args }, undefined, { timeout });
}
