import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  StdioClientTransport,
  getDefaultEnvironment,
} from '@modelcontextprotocol/sdk/client/stdio.js';
import type { TestResult } from '../../shared/api';
import { CompanionError, ERROR_MESSAGES } from '../../shared/errors';
import { SIGN_IN_NEEDED_META } from '../bridge/messages';
import type { BridgeEntry } from '../bridgeEntry';

const TEST_TIMEOUT_MS = 30_000;

/**
 * Starts the bridge exactly as the client would from its config entry and asks Splattr for its
 * tools: the one check that proves the whole chain (config, bridge, keychain, Splattr) works.
 */
export async function checkBridge(
  entry: BridgeEntry,
  env: NodeJS.ProcessEnv = process.env,
): Promise<TestResult> {
  const started = performance.now();
  const transport = new StdioClientTransport({
    command: entry.command,
    args: entry.args,
    // The client's own environment is minimal; the session bus is what reaches the keychain.
    env: {
      ...getDefaultEnvironment(),
      ...pick(env, ['DBUS_SESSION_BUS_ADDRESS', 'XDG_RUNTIME_DIR', 'APPDATA', 'LOCALAPPDATA']),
      ...entry.env,
    },
    stderr: 'ignore',
  });
  const client = new Client({ name: 'splattr-companion-test', version: '1.0.0' });
  try {
    await client.connect(transport, { timeout: TEST_TIMEOUT_MS });
    const { tools, _meta } = await client.listTools(undefined, { timeout: TEST_TIMEOUT_MS });
    // A bridge that needs a sign-in answers from its saved copy: it started, Splattr did not answer.
    const signInNeeded = _meta?.[SIGN_IN_NEEDED_META];
    if (typeof signInNeeded === 'string') {
      return {
        ok: false,
        toolCount: 0,
        milliseconds: performance.now() - started,
        error: signInNeeded,
      };
    }
    return { ok: true, toolCount: tools.length, milliseconds: performance.now() - started };
  } catch (error) {
    return {
      ok: false,
      toolCount: 0,
      milliseconds: performance.now() - started,
      error: sentenceOf(error),
    };
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** The bridge answers with sentences meant for people; anything else gets a generic one. */
function sentenceOf(error: unknown): string {
  if (error instanceof CompanionError) return error.message;
  const message = error instanceof Error ? error.message : '';
  // Not every sentence names Splattr (a locked keychain does not).
  const known = Object.values(ERROR_MESSAGES).find((sentence) => message.includes(sentence));
  if (known) return known;
  const fromBridge = /Splattr[^\n]*/.exec(message)?.[0];
  return fromBridge ?? ERROR_MESSAGES.server_unreachable;
}

function pick(env: NodeJS.ProcessEnv, keys: string[]): Record<string, string> {
  return Object.fromEntries(keys.flatMap((key) => (env[key] ? [[key, env[key]]] : [])));
}
