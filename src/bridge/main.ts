// What a client config launches: `<node> bridge.mjs --connection <id>`. stdout carries JSON-RPC
// only; a start-up failure goes to stderr, which AI clients show in their server logs.
import { parseArgs } from 'node:util';
import { withReadAhead } from '../core/bridge/readAhead';
import { BRIDGE_SCRIPT_NAME, CONNECTION_FLAG, CONNECTION_OPTION } from '../core/bridgeEntry';
import { createTokenStore } from '../core/credentials/tokenStore';
import { dataDir } from '../core/paths';
import { toErrorInfo } from '../shared/errors';

const USAGE = `Usage: ${BRIDGE_SCRIPT_NAME} ${CONNECTION_FLAG} <id>`;

function fail(message: string, code: number): never {
  process.stderr.write(`Splattr bridge: ${message}\n`);
  process.exit(code);
}

let connectionId: string | undefined;
try {
  connectionId = parseArgs({ options: { [CONNECTION_OPTION]: { type: 'string' } } }).values[
    CONNECTION_OPTION
  ];
} catch {
  fail(USAGE, 2);
}
if (!connectionId) fail(USAGE, 2);

// The keychain read starts first and runs on its own thread while the relay's code (the MCP SDK
// and its schemas, most of the start-up) loads here.
const tokenStore = withReadAhead(createTokenStore(), connectionId);
const { DEFAULT_REQUEST_TIMEOUT_MS, runBridge } = await import('../core/bridge/runBridge');

// Tests shorten it to see a request that never gets an answer come back as an error.
const timeoutMs =
  Number(process.env.SPLATTR_BRIDGE_REQUEST_TIMEOUT_MS) || DEFAULT_REQUEST_TIMEOUT_MS;

const bridge = await runBridge({
  connectionId,
  dataDir: dataDir(),
  requestTimeoutMs: timeoutMs,
  tokenStore,
}).catch((error: unknown) => fail(toErrorInfo(error).message, 1));

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await bridge.close();
  process.exit(0);
}
// The AI client closes stdin when it no longer needs the server.
process.stdin.once('end', () => void stop());
process.stdin.once('close', () => void stop());
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
