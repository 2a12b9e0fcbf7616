import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTokenManager, type TokenManager } from '../../../src/core/credentials/tokenManager';
import { createTokenStore } from '../../../src/core/credentials/tokenStore';
import { openStatusFiles } from '../../../src/core/registry/statusFiles';
import { openRegistryReader } from '../../../src/core/registry/registryReader';
import { startSandbox, type Sandbox } from '../../../src/sandbox';
import { buildRefreshWorker, startWorker } from '../../fixtures/workerProcess';
import { createConnectionFixture, type ConnectionFixture } from '../../helpers/connectionFixture';
import { expectNoSecretsUnder } from '../../helpers/noSecrets';
import { companionError } from '../../helpers/companionError';

const EMAIL = 'demo@splattr.test';
const store = createTokenStore();
let sandbox: Sandbox;
let worker: string;
let home: string;
let dataDir: string;
let fixture: ConnectionFixture | undefined;

beforeAll(async () => {
  [sandbox, worker] = await Promise.all([startSandbox(), buildRefreshWorker()]);
});
afterAll(async () => {
  await sandbox?.close();
});
beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'splattr-tokens-'));
  dataDir = path.join(home, 'data');
  sandbox.controls.failTokenEndpoint(null);
});
afterEach(async () => {
  if (fixture) {
    await expectNoSecretsUnder([home], await fixture.secrets());
    await fixture.dispose();
    fixture = undefined;
  }
  await rm(home, { recursive: true, force: true });
});

/** A connection whose stored tokens need a refresh now (the server would still accept them). */
async function expiredConnection(): Promise<ConnectionFixture> {
  fixture = await createConnectionFixture(sandbox, { dataDir, expiresAt: Date.now() - 1_000 });
  sandbox.controls.resetTokenRequests();
  return fixture;
}

const refreshCount = () => sandbox.controls.tokenRequests().refresh_token ?? 0;
const manager = (retry = { attempts: 3, initialDelayMs: 20, maxDelayMs: 50 }): TokenManager =>
  createTokenManager({ dataDir, registry: openRegistryReader({ dataDir }), retry });

async function whoami(accessToken: string): Promise<string> {
  const client = new Client({ name: 'token-manager-test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(sandbox.mcpUrl), {
      requestInit: { headers: { Authorization: `Bearer ${accessToken}` } },
    }),
  );
  try {
    const result = await client.callTool({ name: 'whoami', arguments: {} });
    expect(result.isError).toBeFalsy();
    return JSON.stringify(result.content);
  } finally {
    await client.close();
  }
}

describe('single-flight refresh across processes', () => {
  it('20 processes needing a fresh token at once cause one refresh and all get the same working token', async () => {
    const { id, tokens } = await expiredConnection();
    const env = { ...process.env, HOME: home, SPLATTR_COMPANION_HOME: dataDir };
    const workers = Array.from({ length: 20 }, () => startWorker(worker, ['get', id], env));
    for (const w of workers) expect(await w.nextLine()).toBe('ready');
    for (const w of workers) w.child.stdin?.end('go\n');
    const answers = await Promise.all(workers.map((w) => w.nextLine()));
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual(Array(20).fill(0));

    expect(refreshCount()).toBe(1);
    const current = await store.get(id);
    expect(current?.accessToken).not.toBe(tokens.accessToken);
    expect(current?.refreshToken).not.toBe(tokens.refreshToken);
    const hash = createHash('sha256')
      .update(current?.accessToken ?? '')
      .digest('hex');
    expect(answers).toEqual(Array(20).fill(`token ${hash}`));
    expect(await whoami(current!.accessToken)).toContain(EMAIL);
    expect(await readdir(path.join(dataDir, 'locks'))).toEqual([]);
  });

  it('callers in one process share the refresh too', async () => {
    const { id } = await expiredConnection();
    const tokens = manager();
    const answers = await Promise.all(Array.from({ length: 5 }, () => tokens.getAccessToken(id)));
    expect(new Set(answers).size).toBe(1);
    expect(refreshCount()).toBe(1);
  });

  it('a token still fresh is returned without any request', async () => {
    fixture = await createConnectionFixture(sandbox, { dataDir });
    sandbox.controls.resetTokenRequests();
    expect(await manager().getAccessToken(fixture.id)).toBe(fixture.tokens.accessToken);
    expect(refreshCount()).toBe(0);
  });

  it('after a 401, a process whose token another one already replaced takes the new one', async () => {
    const { id, tokens } = await expiredConnection();
    const [first, second] = [manager(), manager()];
    const renewed = await first.refreshAfterRejection(id, tokens.accessToken);
    expect(await second.refreshAfterRejection(id, tokens.accessToken)).toBe(renewed);
    expect(refreshCount()).toBe(1);
    // The renewed token itself rejected: that one is refreshed.
    const again = await second.refreshAfterRejection(id, renewed);
    expect(again).not.toBe(renewed);
    expect(refreshCount()).toBe(2);
    expect(await whoami(again)).toContain(EMAIL);
  });

  it('a lock held by a process killed with -9 does not block the next refresh', async () => {
    const { id } = await expiredConnection();
    const holder = startWorker(worker, ['hold-lock', id], {
      ...process.env,
      SPLATTR_COMPANION_HOME: dataDir,
    });
    expect(await holder.nextLine()).toBe('held');
    holder.child.kill('SIGKILL');
    expect(await holder.exited).toBeNull(); // died by the signal, holding the lock
    expect(await readdir(path.join(dataDir, 'locks'))).toEqual([`refresh-${id}.lock`]);

    const token = await manager().getAccessToken(id);
    expect(await whoami(token)).toContain(EMAIL);
    expect(refreshCount()).toBe(1);
  });

  it('waiting for a live holder is bounded, and does not cost the sign-in', async () => {
    const { id } = await expiredConnection();
    const holder = startWorker(worker, ['hold-lock', id], {
      ...process.env,
      SPLATTR_COMPANION_HOME: dataDir,
    });
    try {
      expect(await holder.nextLine()).toBe('held');
      const tokens = createTokenManager({
        dataDir,
        registry: openRegistryReader({ dataDir }),
        lock: { waitMs: 500 },
      });
      expect((await companionError(tokens.getAccessToken(id))).code).toBe('server_unreachable');
      expect(refreshCount()).toBe(0);
      expect((await openStatusFiles(dataDir).read(id))?.needsSignIn ?? false).toBe(false);
    } finally {
      holder.child.kill('SIGKILL');
      await holder.exited;
    }
  });
});

describe('an unavailable token endpoint', () => {
  it('answering 503 for a while: retried, recovered, never needs sign-in', async () => {
    const { id } = await expiredConnection();
    sandbox.controls.failTokenEndpoint({ status: 503, times: 3 });
    const token = await manager({
      attempts: 5,
      initialDelayMs: 20,
      maxDelayMs: 100,
    }).getAccessToken(id);
    expect(refreshCount()).toBe(4);
    expect(await whoami(token)).toContain(EMAIL);
    expect((await openStatusFiles(dataDir).read(id))?.needsSignIn ?? false).toBe(false);
  });

  it('down longer than the retries: a clear error, no sign-in asked, and it recovers by itself later', async () => {
    const { id } = await expiredConnection();
    sandbox.controls.failTokenEndpoint({ status: 503, times: 100 });
    const tokens = manager();
    const error = await companionError(tokens.getAccessToken(id));
    expect(error.code).toBe('server_error');
    expect(refreshCount()).toBe(3);
    const status = await openStatusFiles(dataDir).read(id);
    expect(status?.needsSignIn).toBe(false);
    expect(status?.lastError).toBe(error.message);

    sandbox.controls.failTokenEndpoint(null);
    const token = await tokens.getAccessToken(id);
    expect(await whoami(token)).toContain(EMAIL);
    expect((await openStatusFiles(dataDir).read(id))?.lastError).toBeUndefined();
  });

  it('while the current token is still valid, a failed early refresh still answers with it', async () => {
    fixture = await createConnectionFixture(sandbox, { dataDir, expiresAt: Date.now() + 30_000 });
    sandbox.controls.failTokenEndpoint({ status: 500, times: 100 });
    expect(await manager().getAccessToken(fixture.id)).toBe(fixture.tokens.accessToken);
  });
});

describe('a grant or registration the server no longer knows', () => {
  it('revoked in Splattr: needs sign-in, in the error and in the status file', async () => {
    const { id } = await expiredConnection();
    await sandbox.controls.revokeAccount(EMAIL);
    const tokens = manager();

    const error = await companionError(tokens.getAccessToken(id));
    expect(error.code).toBe('needs_sign_in');
    expect(refreshCount()).toBe(1);
    expect(await openStatusFiles(dataDir).read(id)).toMatchObject({
      needsSignIn: true,
      lastError: error.message,
    });
    // The dead tokens are gone, so later calls do not ask the server again.
    expect(await store.get(id)).toBeUndefined();
    expect((await companionError(tokens.getAccessToken(id))).code).toBe('needs_sign_in');
    expect(refreshCount()).toBe(1);

    // A new sign-in's tokens clear the mark.
    const issued = await sandbox.controls.issueTokens({
      email: EMAIL,
      clientId: fixture!.record.registration.clientId,
    });
    await tokens.storeTokens(id, {
      accessToken: issued.accessToken,
      refreshToken: issued.refreshToken,
      expiresAt: Date.now() + issued.expiresIn * 1000,
    });
    expect((await openStatusFiles(dataDir).read(id))?.needsSignIn).toBe(false);
    expect(await whoami(await tokens.getAccessToken(id))).toContain(EMAIL);
    await fixture!.secrets(); // remember the new tokens for the scan
  });

  it('registration deleted (invalid_client): needs sign-in', async () => {
    const { id, record } = await expiredConnection();
    await sandbox.controls.deleteClient(record.registration.clientId);
    const error = await companionError(manager().getAccessToken(id));
    expect(error.code).toBe('needs_sign_in');
    expect((await openStatusFiles(dataDir).read(id))?.needsSignIn).toBe(true);
  });

  it('no tokens in the keychain: needs sign-in without asking the server', async () => {
    const { id } = await expiredConnection();
    await store.delete(id);
    expect((await companionError(manager().getAccessToken(id))).code).toBe('needs_sign_in');
    expect(refreshCount()).toBe(0);
  });

  it('no refresh token (the server issues none): needs sign-in, saying the server does not renew', async () => {
    const { id, tokens } = await expiredConnection();
    await store.set(id, { ...tokens, refreshToken: undefined });
    // The server answered 401 to the expired token: nothing can renew it.
    const error = await companionError(manager().refreshAfterRejection(id, tokens.accessToken));
    expect(error.code).toBe('needs_sign_in');
    expect(error.message).toContain('does not let the app renew it');
    const status = await openStatusFiles(dataDir).read(id);
    expect(status?.needsSignIn).toBe(true);
    expect(status?.lastError).toContain('does not let the app renew it');
    expect(refreshCount()).toBe(0);
  });

  it('a connection marked as needing sign-in is cleared by new tokens', async () => {
    fixture = await createConnectionFixture(sandbox, { dataDir });
    const tokens = manager();
    await openStatusFiles(dataDir).update(fixture.id, { needsSignIn: true });
    expect((await openStatusFiles(dataDir).read(fixture.id))?.needsSignIn).toBe(true);
    await tokens.storeTokens(fixture.id, fixture.tokens);
    expect((await openStatusFiles(dataDir).read(fixture.id))?.needsSignIn).toBe(false);
  });

  it('an unknown connection: connection_not_found', async () => {
    fixture = undefined;
    expect((await companionError(manager().getAccessToken('no-such-connection'))).code).toBe(
      'connection_not_found',
    );
  });
});
