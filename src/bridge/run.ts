// The bridge as a client launches it (through ./main.ts). stdout carries JSON-RPC only; a
// start-up failure goes to stderr, which AI clients show in their server logs.
import { parseArgs } from 'node:util';
import { startBridge } from '../core/bridge/startup';
import { BRIDGE_SCRIPT_NAME, CONNECTION_FLAG, CONNECTION_OPTION } from '../core/bridgeEntry';
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

const bridge = await startBridge({
  connectionId,
  dataDir: dataDir(),
  // Tests shorten it to see a request that never gets an answer come back as an error.
  requestTimeoutMs: Number(process.env.SPLATTR_BRIDGE_REQUEST_TIMEOUT_MS) || undefined,
  // Tests lower it to see an answer too large to relay come back as an error.
  maxMessageBytes: Number(process.env.SPLATTR_BRIDGE_MAX_MESSAGE_BYTES) || undefined,
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
