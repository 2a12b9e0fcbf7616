import type { Browser } from 'playwright-core';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openStatusFiles } from '../../../src/core/registry/statusFiles';
import { startSandbox, type Sandbox } from '../../../src/sandbox';
import { completeSignIn, launchBrowser } from '../../helpers/browser';
import { createBridgedConnection, type BridgedConnection } from '../../helpers/bridgedConnection';
import { runCli } from '../../helpers/cli';
import { DEMO, mcpClientEnv } from '../../../support/companion';
import { spawnModernClient } from '../../../support/modernClient';
import { expectNoSecretsUnder } from '../../helpers/noSecrets';
import { toolText } from '../../helpers/sandbox';

const SIGN_IN =
  'Splattr needs you to sign in again: open Splattr Companion and click Reconnect on Cursor.';
const PATIENCE = { timeout: 20_000, interval: 50 };

/**
 * Issue 13: an AI client that starts while the connection needs a sign-in keeps Splattr as a
 * working server, and the same client session works once the person reconnects.
 */
describe('a bridge started while its connection needs a sign-in', () => {
  let sandbox: Sandbox;
  let browser: Browser;
  let used: BridgedConnection;
  let fresh: BridgedConnection;

  beforeAll(async () => {
    [sandbox, browser] = await Promise.all([startSandbox(), launchBrowser()]);
    [used, fresh] = await Promise.all([
      createBridgedConnection(sandbox),
      createBridgedConnection(sandbox),
    ]);
    // An earlier session saved Splattr's answers; since then Splattr gained tools (the copy
    // keeps only whoami), which the client must hear about once signed in again.
    const earlier = await used.startBridge();
    const tools = (await earlier.listTools()).tools.map((t) => t.name);
    expect(tools.length).toBeGreaterThan(1);
    await vi.waitFor(
      async () => expect((await used.status())?.savedServer?.tools).toHaveLength(tools.length),
      PATIENCE,
    );
    await earlier.close();
    const saved = (await used.status())!.savedServer!;
    await openStatusFiles(used.dataDir).update(used.fixture.id, {
      savedServer: { ...saved, tools: saved.tools!.filter((t) => t.name === 'whoami') },
    });
    await sandbox.controls.revokeAccount(DEMO.email);
  });
  afterAll(async () => {
    await used?.dispose();
    await fresh?.dispose();
    await Promise.all([browser?.close(), sandbox?.close()]);
  });

  it('with nothing saved yet: an honest minimal server, and tool calls say to reconnect', async () => {
    const client = await fresh.startBridge();
    expect(client.getServerVersion()).toMatchObject({ name: 'splattr' });
    expect(client.getInstructions()).toBe(SIGN_IN);
    expect(client.getServerCapabilities()?.tools).toEqual({ listChanged: true });
    expect((await client.listTools()).tools).toEqual([]);
    const call = await client.callTool({ name: 'whoami', arguments: {} });
    expect(call.isError).toBe(true);
    expect(toolText(call)).toBe(SIGN_IN);
    await vi.waitFor(async () => expect((await fresh.status())?.needsSignIn).toBe(true), PATIENCE);
  });

  it('a modern client too: server/discover and tools answer, and calls work after reconnect', async () => {
    const { entry, home } = fresh;
    const client = spawnModernClient({
      command: entry.command,
      args: entry.args,
      env: mcpClientEnv(home, entry.env),
    });
    try {
      const discovered = await client.discover();
      expect(discovered).toMatchObject({
        supportedVersions: ['2026-07-28'],
        instructions: SIGN_IN,
      });
      // Marked as the copy, so the app's Test does not take it for Splattr's answer.
      expect(await client.request('tools/list')).toEqual({
        tools: [],
        _meta: { 'app.splattr/signInNeeded': SIGN_IN },
      });
      const refused = await client.callTool('whoami');
      expect(refused).toMatchObject({ isError: true, content: [{ type: 'text', text: SIGN_IN }] });

      const reconnect = runCli(['reconnect', fresh.fixture.id, '--no-open'], fresh.env);
      const url = await reconnect.waitForLine(/^http:\/\/127\.0\.0\.1:\d+\/.*[?&]code_challenge=/);
      await completeSignIn(browser, url, { ...DEMO, consent: 'allow' });
      expect((await reconnect.done).code).toBe(0);

      const works = await client.callTool('whoami');
      const text = (works.content as Array<{ text: string }>)[0]!.text;
      expect(JSON.parse(text)).toMatchObject({ email: DEMO.email });
    } finally {
      await client.close();
    }
  });

  it('answers from the saved copy, then works in the same session after reconnect', async () => {
    const client = await used.startBridge();
    const changed: string[] = [];
    client.setNotificationHandler(ToolListChangedNotificationSchema, async (n) => {
      changed.push(n.method);
    });
    expect(client.getServerVersion()).toMatchObject({ name: 'splattr', version: '1.0.0' });
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['whoami']);
    const refused = await client.callTool({ name: 'whoami', arguments: {} });
    expect(refused.isError).toBe(true);
    expect(toolText(refused)).toBe(SIGN_IN);

    // Reconnect through the CLI, the person signing in on the link it prints.
    const reconnect = runCli(['reconnect', used.fixture.id, '--no-open'], used.env);
    const url = await reconnect.waitForLine(/^http:\/\/127\.0\.0\.1:\d+\/.*[?&]code_challenge=/);
    await completeSignIn(browser, url, { ...DEMO, consent: 'allow' });
    const done = await reconnect.done;
    expect(done.code, done.stderr).toBe(0);

    const works = await client.callTool({ name: 'whoami', arguments: {} });
    expect(works.isError).toBeFalsy();
    expect(JSON.parse(toolText(works))).toMatchObject({ email: DEMO.email });
    await vi.waitFor(() => expect(changed).toEqual(['notifications/tools/list_changed']), PATIENCE);
    const tools = (await client.listTools()).tools.map((t) => t.name);
    expect(tools.length).toBeGreaterThan(1);
    await vi.waitFor(async () => {
      const status = await used.status();
      expect(status?.needsSignIn).toBe(false);
      expect(status?.savedServer?.tools?.map((t) => t.name)).toEqual(tools);
    }, PATIENCE);
    await expectNoSecretsUnder([used.home], await used.fixture.secrets());
  });
});
