import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTokenStore } from '../../src/core/credentials/tokenStore';
import { openRegistry } from '../../src/core/registry/registry';
import { startSandbox, type Sandbox } from '../../src/sandbox';
import { ERROR_MESSAGES } from '../../src/shared/errors';
import { createBridgedConnection, type BridgedConnection } from '../helpers/bridgedConnection';
import { DEMO } from '../../support/companion';
import { expectNoSecretsUnder } from '../helpers/noSecrets';
import { toolText } from '../helpers/sandbox';
import { startTcpProxy, type TcpProxy } from '../helpers/tcpProxy';

/** Short, so a request Splattr never answers comes back as an error within the test. */
const BRIDGE_TIMEOUT_MS = 1_500;
/** The AI client gives up later than the bridge: a call that reaches this limit hung. */
const CLIENT_TIMEOUT_MS = BRIDGE_TIMEOUT_MS + 5_000;
const bridgeEnv = { SPLATTR_BRIDGE_REQUEST_TIMEOUT_MS: String(BRIDGE_TIMEOUT_MS) };

/** A whoami call that cannot hang the test: the client-side timeout turns a hang into a failure. */
async function whoami(
  client: Client,
): Promise<{ ok: true; text: string } | { ok: false; error: string }> {
  try {
    const result = await client.callTool({ name: 'whoami', arguments: {} }, undefined, {
      timeout: CLIENT_TIMEOUT_MS,
    });
    return result.isError
      ? { ok: false, error: toolText(result) }
      : { ok: true, text: toolText(result) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

/** Neither the status file nor the app's list may ever turn a server problem into "sign in". */
async function expectNoSignInAsked(connection: BridgedConnection): Promise<void> {
  expect((await connection.status())?.needsSignIn ?? false).toBe(false);
  const listed = await connection.service.listConnections({});
  expect(listed.map((c) => c.status)).not.toContain('needs_sign_in');
}

/** The bridge writes its status after answering, so the list catches up within a moment. */
async function expectListed(
  connection: BridgedConnection,
  expected: { status: string; lastError?: string },
): Promise<void> {
  await vi.waitFor(
    async () => {
      const listed = await connection.service.listConnections({});
      expect(listed.map(({ id, status, lastError }) => ({ id, status, lastError }))).toEqual([
        { id: connection.fixture.id, lastError: undefined, ...expected },
      ]);
    },
    { timeout: 5_000, interval: 50 },
  );
}

/** Calls fail with `sentence`, none of them turns into "sign in", and the list shows the error. */
async function expectCallsFail(
  connection: BridgedConnection,
  client: Client,
  sentence: string,
): Promise<void> {
  for (let i = 0; i < 3; i++) {
    expect(await whoami(client)).toEqual({
      ok: false,
      error: expect.stringContaining(sentence),
    });
    await expectNoSignInAsked(connection);
  }
  await expectListed(connection, { status: 'error', lastError: sentence });
}

async function expectRecovered(connection: BridgedConnection, client: Client): Promise<void> {
  const answer = await whoami(client);
  expect(answer).toEqual({ ok: true, text: expect.stringContaining(DEMO.email) });
  await expectListed(connection, { status: 'connected' });
  await expectNoSignInAsked(connection);
}

describe('a bridge whose Splattr struggles recovers by itself', () => {
  let sandbox: Sandbox;
  let connection: BridgedConnection;
  let client: Client;

  beforeAll(async () => {
    sandbox = await startSandbox();
    connection = await createBridgedConnection(sandbox, { bridgeEnv });
    client = await connection.startBridge();
    expect((await whoami(client)).ok).toBe(true);
  });
  afterEach(async () => {
    sandbox.controls.mcpFaults(null);
    await expectNoSecretsUnder(
      [connection.home, connection.dataDir],
      await connection.fixture.secrets(),
    );
  });
  afterAll(async () => {
    await connection?.dispose();
    await sandbox?.close();
  });

  // Faults are armed for far more requests than the test makes and lifted by the test, so which
  // /mcp request takes which fault (the session's event stream is one too) does not matter.
  it('answering 503 for a while: each call fails with a clear sentence, then works again', async () => {
    sandbox.controls.mcpFaults({ mode: 'status503', times: 1_000 });
    await expectCallsFail(connection, client, ERROR_MESSAGES.server_error);
    sandbox.controls.mcpFaults(null);
    await expectRecovered(connection, client);
  });

  it('resetting connections: calls fail as unreachable, then work again', async () => {
    sandbox.controls.mcpFaults({ mode: 'reset', times: 1_000 });
    await expectCallsFail(connection, client, ERROR_MESSAGES.server_unreachable);
    sandbox.controls.mcpFaults(null);
    await expectRecovered(connection, client);
  });

  it('answering too slowly: the bridge answers at its timeout, drops the late answers, carries on', async () => {
    const delayMs = BRIDGE_TIMEOUT_MS * 3;
    sandbox.controls.mcpFaults({ mode: 'slow', times: 1_000, delayMs });
    const slow = await Promise.all([whoami(client), whoami(client)]);
    const sentence = `Splattr did not answer within ${Math.round(BRIDGE_TIMEOUT_MS / 1000)} seconds`;
    expect(slow).toEqual([
      { ok: false, error: expect.stringContaining(sentence) },
      { ok: false, error: expect.stringContaining(sentence) },
    ]);
    await expectNoSignInAsked(connection);
    sandbox.controls.mcpFaults(null);
    // Calls made while the late answers are on their way get their own answers, and once
    // those arrive they reach nobody.
    await expectRecovered(connection, client);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    await expectRecovered(connection, client);
  });

  it('several calls in flight while it resets and fails: every one is answered', async () => {
    sandbox.controls.mcpFaults({ mode: 'reset', times: 4 });
    const answers = await Promise.all(Array.from({ length: 8 }, () => whoami(client)));
    const failed = answers.filter((a) => !a.ok);
    expect(failed.length).toBeGreaterThan(0);
    for (const answer of failed) {
      expect(answer.ok || answer.error).toContain(ERROR_MESSAGES.server_unreachable);
    }
    await expectRecovered(connection, client);
  });
});

describe('the network to Splattr goes down and comes back', () => {
  let sandbox: Sandbox;
  let proxy: TcpProxy;
  let connection: BridgedConnection;

  beforeAll(async () => {
    sandbox = await startSandbox();
    proxy = await startTcpProxy(Number(new URL(sandbox.origin).port));
    connection = await createBridgedConnection(sandbox, {
      bridgeEnv,
      serverUrl: `${proxy.origin}/mcp`,
    });
  });
  afterAll(async () => {
    await connection?.dispose();
    await proxy?.close();
    await sandbox?.close();
  });

  it('calls fail as unreachable while it is down, and work again with nothing done', async () => {
    const client = await connection.startBridge();
    expect((await whoami(client)).ok).toBe(true);

    await proxy.down();
    await expectCallsFail(connection, client, ERROR_MESSAGES.server_unreachable);

    await proxy.up();
    await expectRecovered(connection, client);
    await expectNoSecretsUnder([connection.home], await connection.fixture.secrets());
  });
});

describe('Splattr restarts, losing every session', () => {
  let sandbox: Sandbox;
  let connection: BridgedConnection;

  beforeAll(async () => {
    sandbox = await startSandbox();
    connection = await createBridgedConnection(sandbox, { bridgeEnv });
  });
  afterAll(async () => {
    await connection?.dispose();
    await sandbox?.close();
  });

  it('down: clear errors; back on the same port: the bridge opens a new session by itself', async () => {
    const client = await connection.startBridge();
    expect((await whoami(client)).ok).toBe(true);

    const port = Number(new URL(sandbox.origin).port);
    await sandbox.close();
    await expectCallsFail(connection, client, ERROR_MESSAGES.server_unreachable);

    sandbox = await startSandbox({ port });
    // The sandbox keeps its grants in memory, so the restarted one knows none of the old
    // tokens (a real Splattr keeps them): give the connection a grant of the new server, as
    // Reconnect would, so what remains to prove is the lost MCP session.
    const issued = await sandbox.controls.issueTokens({ email: DEMO.email });
    const registry = openRegistry({ dataDir: connection.dataDir });
    const record = registry.get(connection.fixture.id)!;
    registry.update(record.id, {
      registration: { ...record.registration, clientId: issued.clientId },
    });
    await createTokenStore().set(record.id, {
      accessToken: issued.accessToken,
      refreshToken: issued.refreshToken,
      expiresAt: Date.now() + issued.expiresIn * 1000,
    });

    await expectRecovered(connection, client);
    await expectNoSecretsUnder(
      [connection.home],
      [...(await connection.fixture.secrets()), issued.accessToken, issued.refreshToken],
    );
  });
});
