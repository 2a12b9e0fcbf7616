import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  ElicitRequestSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTokenStore } from '../../../src/core/credentials/tokenStore';
import { openStatusFiles } from '../../../src/core/registry/statusFiles';
import type { McpEra } from '../../../src/sandbox';
import { ERROR_MESSAGES } from '../../../src/shared/errors';
import { DEMO } from '../../../support/companion';
import {
  spawnModernClient,
  type JsonObject,
  type ModernClient,
} from '../../../support/modernClient';
import { expectNoSecretsUnder } from '../../helpers/noSecrets';
import { toolText, withSandbox } from '../../helpers/sandbox';
import { createBridgeHome, type BridgeHome } from '../../helpers/bridge/launch';
import { PATIENCE, spawnRawBridge } from '../../helpers/bridge/rawBridge';

const MIB = 1024 * 1024;
const SIGN_IN =
  'Splattr needs you to sign in again: open Splattr Companion and click Reconnect on Cursor.';

/** What each test needs of an AI client, whichever era it speaks. */
interface Driver {
  toolNames(): Promise<string[]>;
  /** A tool call; a JSON-RPC error rejects with its message. */
  call(
    name: string,
    args?: JsonObject,
    options?: { onProgress?: (progress: number) => void; signal?: AbortSignal },
  ): Promise<{ isError: boolean; text: string }>;
  /** Resolves at the next notifications/tools/list_changed. */
  nextListChange(): Promise<void>;
  close(): Promise<void>;
}

async function legacyDriver(bridge: BridgeHome): Promise<Driver> {
  const client = await bridge.connect(
    new Client({ name: 'era-test', version: '1.0.0' }, { capabilities: { elicitation: {} } }),
  );
  client.setRequestHandler(ElicitRequestSchema, async (request) => ({
    action: 'accept',
    content: { answer: `teal (asked: ${request.params.message})` },
  }));
  const listeners: Array<() => void> = [];
  client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
    for (const listener of listeners.splice(0)) listener();
  });
  return {
    toolNames: async () => (await client.listTools()).tools.map((t) => t.name),
    async call(name, args = {}, options = {}) {
      const result = await client.callTool({ name, arguments: args }, undefined, {
        signal: options.signal,
        onprogress: options.onProgress && ((p) => options.onProgress!(p.progress)),
        timeout: 30_000,
      });
      return { isError: result.isError === true, text: toolText(result) };
    },
    nextListChange: () => new Promise((resolve) => listeners.push(resolve)),
    close: () => client.close(),
  };
}

function modernDriver(bridge: BridgeHome): Driver & { client: ModernClient } {
  const client = spawnModernClient({ ...bridge.launch, capabilities: { elicitation: {} } });
  client.onInput = async (request) => ({
    action: 'accept',
    content: { answer: `teal (asked: ${String(request.params?.message)})` },
  });
  return {
    client,
    toolNames: async () =>
      ((await client.request('tools/list')).tools as Array<{ name: string }>).map((t) => t.name),
    async call(name, args = {}, options = {}) {
      const onProgress =
        options.onProgress && ((p: { progress: number }) => options.onProgress!(p.progress));
      const started = client.begin('tools/call', { name, arguments: args }, { onProgress });
      options.signal?.addEventListener('abort', () => client.cancel(started.id), { once: true });
      const result = await started.result;
      const content = result.content as Array<{ text?: string }> | undefined;
      return { isError: result.isError === true, text: content?.[0]?.text ?? '' };
    },
    async nextListChange() {
      const subscription = client.listen({ toolsListChanged: true });
      await subscription.acknowledged;
      await subscription.next();
      subscription.stop();
    },
    close: async () => void (await client.close()),
  };
}

type Eras = { legacy?: boolean; modern?: boolean };

/**
 * With what each pairing teaches the bridge about Splattr's eras (kept for the next start),
 * and what it knows after starting from the opposite guess: a wrong guess is probed again,
 * except for a dual Splattr, where the other era works too and so the guess is not wrong.
 */
const COMBINATIONS: Array<{
  client: 'legacy' | 'modern';
  server: McpEra;
  learnt: Eras;
  relearnt?: Eras;
}> = [
  { client: 'legacy', server: 'legacy', learnt: { legacy: true } },
  { client: 'legacy', server: 'modern', learnt: { legacy: false, modern: true } },
  { client: 'modern', server: 'modern', learnt: { modern: true } },
  {
    client: 'modern',
    server: 'dual',
    learnt: { modern: true },
    relearnt: { modern: false, legacy: true },
  },
  { client: 'modern', server: 'legacy', learnt: { modern: false, legacy: true } },
];

describe.each(COMBINATIONS)('a $client client and a $server Splattr, through the bridge', (era) => {
  const sandbox = withSandbox({ era: era.server, testTools: true });
  let bridge: BridgeHome;
  let driver: Driver;
  const start = () => (era.client === 'legacy' ? legacyDriver(bridge) : modernDriver(bridge));
  // A legacy-only Splattr announces list changes only inside a session a modern client lacks.
  const unmappable = era.client === 'modern' && era.server === 'legacy';

  beforeAll(async () => {
    bridge = await createBridgeHome(sandbox(), { client: 'cursor' });
    driver = await start();
  });
  afterAll(async () => {
    sandbox().controls.mcpFaults(null);
    await driver?.close();
    await expectNoSecretsUnder([bridge.home], await bridge.fixture.secrets());
    await bridge.dispose();
  });

  it('lists the tools, and whoami answers with the signed-in account', async () => {
    expect(await driver.toolNames()).toEqual(expect.arrayContaining(['whoami', 'test_progress']));
    const whoami = await driver.call('whoami');
    expect(whoami.isError).toBe(false);
    expect(JSON.parse(whoami.text)).toMatchObject({ email: DEMO.email });
  });

  it('passes progress through in order, before the result', async () => {
    const seen: Array<number | 'result'> = [];
    if (era.client === 'legacy') {
      // At the message level: the SDK's Client may drop progress read together with the result
      // (modelcontextprotocol/typescript-sdk#2580).
      const raw = spawnRawBridge(bridge);
      await raw.open();
      await raw.callTool(2, 'test_progress', { steps: 5 }, { progressToken: 'p' });
      await raw.answerTo(2);
      for (const line of raw.lines.slice(1)) {
        const message = JSON.parse(line) as { method?: string; params?: { progress: number } };
        seen.push(message.method ? message.params!.progress : 'result');
      }
      await raw.stop();
    } else {
      await driver.call('test_progress', { steps: 5 }, { onProgress: (p) => seen.push(p) });
      seen.push('result');
    }
    expect(seen).toEqual([1, 2, 3, 4, 5, 'result']);
  });

  it('passes a cancellation to Splattr', async () => {
    const before = sandbox().controls.cancelledRequests();
    const abort = new AbortController();
    const call = driver.call(
      'test_wait',
      { ms: 60_000 },
      {
        signal: abort.signal,
        onProgress: (p) => {
          if (p === 0) abort.abort('changed my mind');
        },
      },
    );
    await expect(call).rejects.toThrow();
    await vi.waitFor(
      () => expect(sandbox().controls.cancelledRequests()).toBe(before + 1),
      PATIENCE,
    );
  });

  it('relays Splattr’s question to the client, and the client’s answer back', async () => {
    const asked = await driver.call('test_elicit', { message: 'Favourite colour?' });
    expect(JSON.parse(asked.text)).toEqual({
      action: 'accept',
      content: { answer: 'teal (asked: Favourite colour?)' },
    });
  });

  it('carries a 1 MiB result intact', async () => {
    const large = await driver.call('test_large', { bytes: MIB });
    expect(large.text).toBe('x'.repeat(MIB));
  });

  it('answers one request clearly when Splattr fails it, then works', async () => {
    sandbox().controls.mcpFaults({ mode: 'status503', times: 1 });
    await expect(driver.call('whoami')).rejects.toThrow(ERROR_MESSAGES.server_error);
    expect((await driver.call('whoami')).isError).toBe(false);
  });

  it(
    unmappable
      ? 'refuses subscriptions/listen, naming it'
      : 'tells the client when Splattr’s tool list changes',
    async () => {
      if (unmappable) {
        const { client } = driver as ReturnType<typeof modernDriver>;
        const filter = { notifications: { toolsListChanged: true } };
        await expect(client.request('subscriptions/listen', filter)).rejects.toThrow(
          /subscriptions\/listen is not available/,
        );
        return;
      }
      const heard = driver.nextListChange();
      // The client's subscription (or the session's stream) is open once a call goes through.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await driver.call('test_list_changed');
      await heard;
    },
  );

  it('refreshes once on a 401 and retries, so the call still works', async () => {
    const store = createTokenStore();
    const stored = await store.get(bridge.fixture.id);
    await store.set(bridge.fixture.id, { ...stored!, accessToken: 'not-a-token-splattr-knows' });
    const fresh = await start();
    try {
      const whoami = await fresh.call('whoami');
      expect(JSON.parse(whoami.text)).toMatchObject({ email: DEMO.email });
    } finally {
      await fresh.close();
    }
    expect((await store.get(bridge.fixture.id))?.accessToken).not.toBe('not-a-token-splattr-knows');
  });

  it('keeps what it learnt of Splattr’s eras, and probes again when that turns out wrong', async () => {
    const origin = new URL(sandbox().mcpUrl).origin;
    await driver.call('whoami');
    await vi.waitFor(
      async () => expect((await bridge.status())?.serverEras?.[origin]).toEqual(era.learnt),
      PATIENCE,
    );
    // As if Splattr had changed since: the era kept is the other one.
    const wrong =
      era.client === 'legacy' ? { legacy: !era.learnt.legacy } : { modern: !era.learnt.modern };
    await openStatusFiles(bridge.dataDir).update(bridge.fixture.id, {
      serverEras: { [origin]: wrong },
    });
    const next = await start();
    try {
      expect(JSON.parse((await next.call('whoami')).text)).toMatchObject({ email: DEMO.email });
    } finally {
      await next.close();
    }
    await vi.waitFor(
      async () =>
        expect((await bridge.status())?.serverEras?.[origin]).toMatchObject(
          era.relearnt ?? era.learnt,
        ),
      PATIENCE,
    );
  });

  it('after a revoke, a tool call says to reconnect, naming the client', async () => {
    await sandbox().controls.revokeAccount(DEMO.email);
    const refused = await driver.call('whoami');
    expect(refused.isError).toBe(true);
    expect(refused.text).toBe(SIGN_IN);
  });
});

describe.each(['legacy', 'modern'] as const)(
  'Splattr changes era under a running %s client (an upgrade, then a rollback)',
  (clientEra) => {
    const from: McpEra = clientEra === 'legacy' ? 'legacy' : 'modern';
    const to: McpEra = clientEra === 'legacy' ? 'modern' : 'legacy';
    const sandbox = withSandbox({ era: from, testTools: true });
    let bridge: BridgeHome;

    beforeAll(async () => {
      bridge = await createBridgeHome(sandbox(), { client: 'cursor' });
    });
    afterAll(async () => {
      await bridge.dispose();
    });

    it('the same client session keeps working, and the bridge learns each change', async () => {
      const driver = clientEra === 'legacy' ? await legacyDriver(bridge) : modernDriver(bridge);
      const origin = new URL(sandbox().mcpUrl).origin;
      const whoami = async () => JSON.parse((await driver.call('whoami')).text) as object;
      try {
        expect(await whoami()).toMatchObject({ email: DEMO.email });
        await sandbox().controls.setMcpEra(to);
        expect(await whoami()).toMatchObject({ email: DEMO.email });
        await vi.waitFor(
          async () =>
            expect((await bridge.status())?.serverEras?.[origin]).toMatchObject({
              [from]: false,
              [to]: true,
            }),
          PATIENCE,
        );
        await sandbox().controls.setMcpEra(from);
        expect(await whoami()).toMatchObject({ email: DEMO.email });
        await vi.waitFor(
          async () =>
            expect((await bridge.status())?.serverEras?.[origin]).toMatchObject({
              [from]: true,
              [to]: false,
            }),
          PATIENCE,
        );
      } finally {
        await driver.close();
      }
    });
  },
);
