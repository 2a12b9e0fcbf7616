import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import readline from 'node:readline';
import { vi } from 'vitest';
import type { BridgeHome } from './launch';

/** How long a test waits for an answer that must come: a bound, not a speed requirement. */
export const PATIENCE = { timeout: 20_000, interval: 20 };

export interface RawBridge {
  child: ChildProcessWithoutNullStreams;
  /** Every line the bridge wrote to stdout, as written. */
  lines: string[];
  /** Writes bytes to the bridge's stdin as they are, waiting for the pipe to take them. */
  write(bytes: Buffer | string): Promise<void>;
  send(message: object): Promise<void>;
  /** Opens the MCP session as a legacy client does: initialize (id 1), then initialized. */
  open(): Promise<void>;
  /** Sends a tools/call under `id`; `meta` goes in its params' `_meta`. */
  callTool(id: number, name: string, args?: object, meta?: object): Promise<void>;
  /** The line (parsed) whose id is `id`, once it has arrived. */
  answerTo(id: string | number): Promise<Record<string, unknown>>;
  /** Closes stdin and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** A bridge process as an AI client starts it, talked to byte by byte. */
export function spawnRawBridge(bridge: BridgeHome, env: Record<string, string> = {}): RawBridge {
  const child = spawn(bridge.launch.command, bridge.launch.args, {
    env: { ...bridge.launch.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stderr.resume();
  const lines: string[] = [];
  readline.createInterface({ input: child.stdout }).on('line', (line) => lines.push(line));
  const write = async (bytes: Buffer | string) => {
    if (!child.stdin.write(bytes)) await once(child.stdin, 'drain');
  };
  const send = (message: object) => write(`${JSON.stringify(message)}\n`);
  const raw: RawBridge = {
    child,
    lines,
    write,
    send,
    async open() {
      await send(initializeRequest(1));
      await raw.answerTo(1);
      await send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    },
    callTool: (id, name, args = {}, meta) =>
      send({
        jsonrpc: '2.0',
        id,
        method: 'tools/call',
        params: { name, arguments: args, ...(meta && { _meta: meta }) },
      }),
    async answerTo(id) {
      let found: Record<string, unknown> | undefined;
      await vi.waitFor(() => {
        found = lines
          .map((line) => JSON.parse(line) as Record<string, unknown>)
          .find((message) => message.id === id && !('method' in message));
        if (!found) throw new Error(`no answer to ${JSON.stringify(id)} yet`);
      }, PATIENCE);
      return found!;
    },
    async stop() {
      const exited = once(child, 'exit');
      child.stdin.end();
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
  return raw;
}

export function initializeRequest(id: number | string) {
  return {
    jsonrpc: '2.0' as const,
    id,
    method: 'initialize',
    params: {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'raw', version: '1' },
    },
  };
}
