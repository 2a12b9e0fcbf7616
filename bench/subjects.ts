import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { BridgeEntry } from '../src/core/bridgeEntry';
import { connectThroughEntry } from '../support/companion';
import { connectMcp } from '../support/sandbox';
import { withTimeout } from './timeouts';

export type SubjectName = 'direct' | 'bridge' | 'mcp-remote';
export const SUBJECTS: readonly SubjectName[] = ['direct', 'bridge', 'mcp-remote'];

/** One connected MCP client, and the process it talks through when there is one. */
export interface Connection {
  client: Client;
  /** From spawn (or, for the direct client, from its creation) to the initialize result. */
  readyMs: number;
  /** The bridge's or mcp-remote's process; undefined for the direct client. */
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
      return { client, readyMs, stderrTail: () => '', close: () => client.close() };
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

async function launch(entry: BridgeEntry, home: string): Promise<Connection> {
  const started = performance.now();
  const client = await withTimeout(
    connectThroughEntry(entry, home),
    CONNECT_TIMEOUT_MS,
    `${path.basename(entry.args[0] ?? entry.command)} to answer initialize`,
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
    client,
    readyMs,
    pid: transport.pid ?? undefined,
    stderrTail: () => tail,
    close: () => client.close(),
  };
}
