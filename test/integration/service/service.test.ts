import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import keytar from 'keytar';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { getClient } from '../../../src/core/clients';
import { createTokenStore } from '../../../src/core/credentials/tokenStore';
import { openRegistry } from '../../../src/core/registry/registry';
import { openStatusFiles } from '../../../src/core/registry/statusFiles';
import { startSandbox, type Sandbox } from '../../../src/sandbox';
import type { CompanionEvent } from '../../../src/shared/api';
import { launchBrowser } from '../../helpers/browser';
import { DEMO, createTestCompanion, type TestCompanion } from '../../../support/companion';

describe('CompanionService', () => {
  let sandbox: Sandbox;
  let browser: Browser;
  let companion: TestCompanion;
  // These tests count keychain entries, so they keep theirs apart from parallel tests' (none of
  // them launches a bridge, which would read the app's own service).
  const keychainService = `splattr-companion-test-${randomUUID()}`;
  const keychain = createTokenStore({ service: keychainService });

  beforeAll(async () => {
    [sandbox, browser] = await Promise.all([startSandbox(), launchBrowser()]);
  });
  afterAll(async () => {
    await Promise.all([browser?.close(), sandbox?.close()]);
  });
  beforeEach(async () => {
    companion = await createTestCompanion(sandbox, browser, DEMO, keychain);
  });
  afterEach(async () => {
    for (const connection of await companion.service.listConnections({})) {
      await companion.service.remove({ id: connection.id });
    }
    await companion.dispose();
  });

  /** Nothing of a connection anywhere: no record, no config entry, no keychain entry. */
  async function expectNothingLeft(): Promise<void> {
    expect(openRegistry({ dataDir: companion.dataDir }).list()).toEqual([]);
    expect(await companion.configEntry('cursor')).toBeUndefined();
    expect(await keytar.findCredentials(keychainService)).toEqual([]);
  }

  it('leaves nothing behind when the person denies access in the browser', async () => {
    companion.consent = 'deny';
    await expect(companion.service.add({ client: 'cursor' })).rejects.toMatchObject({
      code: 'sign_in_cancelled',
      message: expect.stringContaining('cancelled in the browser'),
    });
    await expectNothingLeft();
  });

  it('refuses a plain-http Splattr address in Settings (this computer aside) and keeps the old one', async () => {
    const { service } = companion;
    const before = await service.getSettings({});
    await expect(
      service.setSettings({ serverUrl: 'http://mcp.splattr.example/mcp' }),
    ).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('must start with https://'),
    });
    await expect(
      service.setSettings({
        serverUrl: sandbox.mcpUrl,
        clientMetadataUrl: 'http://docs.splattr.example/client.json',
      }),
    ).rejects.toMatchObject({ code: 'invalid_input' });
    expect(await service.getSettings({})).toEqual(before);

    const saved = await service.setSettings({
      serverUrl: 'http://localhost:4100/mcp',
      clientId: 'given-by-the-administrator',
      clientMetadataUrl: 'https://splattr.acme.example/companion/client-metadata.json',
    });
    // SPLATTR_MCP_URL (the test's sandbox) still wins over the saved address, as documented.
    expect(saved).toEqual({
      serverUrl: sandbox.mcpUrl,
      clientId: 'given-by-the-administrator',
      clientMetadataUrl: 'https://splattr.acme.example/companion/client-metadata.json',
    });
    expect(openRegistry({ dataDir: companion.dataDir }).getSettings()).toEqual({
      serverUrl: 'http://localhost:4100/mcp',
      clientId: 'given-by-the-administrator',
      clientMetadataUrl: 'https://splattr.acme.example/companion/client-metadata.json',
    });
  });

  it('leaves nothing behind when sign-in is cancelled in the app', async () => {
    // The browser never answers: the person clicks Cancel while the app waits.
    const service = companion.service;
    const events: CompanionEvent[] = [];
    service.onEvent((event) => events.push(event));
    companion.consent = 'ignore';
    const adding = service.add({ client: 'cursor' });
    await vi.waitFor(() => expect(events.map((e) => e.type)).toContain('sign-in-pending'));
    await service.cancelSignIn({});
    await expect(adding).rejects.toMatchObject({ code: 'sign_in_aborted' });
    expect(events.map((e) => e.type)).toContain('sign-in-finished');
    await expectNothingLeft();
  });

  it('refuses a splattr entry it did not write before sign-in, and replaces it when asked', async () => {
    const configPath = getClient('cursor').configPath({ env: companion.env });
    await mkdir(path.dirname(configPath), { recursive: true });
    const foreign =
      '{\n  "mcpServers": {\n    "splattr": { "url": "https://example.test/mcp" }\n  }\n}\n';
    await writeFile(configPath, foreign);

    await expect(companion.service.add({ client: 'cursor' })).rejects.toMatchObject({
      code: 'config_entry_conflict',
    });
    expect(await readFile(configPath, 'utf8')).toBe(foreign);

    const added = await companion.service.add({ client: 'cursor', replace: true });
    expect((await companion.configEntry('cursor'))?.args).toContain(added.connection.id);
    // The person's original file is kept beside it.
    expect(await readFile(`${configPath}.splattr-backup`, 'utf8')).toBe(foreign);
  });

  it('notices when the client dropped the entry, and Repair puts it back', async () => {
    const { connection } = await companion.service.add({ client: 'cursor' });
    const configPath = getClient('cursor').configPath({ env: companion.env });
    await writeFile(configPath, '{ "mcpServers": {} }\n');

    const [dropped] = await companion.service.listConnections({});
    expect(dropped).toMatchObject({ status: 'missing_from_config' });
    expect(dropped?.lastError).toContain('Repair');

    const repaired = await companion.service.repair({ id: connection.id });
    expect(repaired.status).toBe('connected');
    expect((await companion.configEntry('cursor'))?.args).toContain(connection.id);
  });

  it('announces a connection that needs sign-in when a bridge reports it', async () => {
    const { connection } = await companion.service.add({ client: 'cursor' });
    const events: CompanionEvent[] = [];
    companion.service.onEvent((event) => events.push(event));

    await openStatusFiles(companion.dataDir).update(connection.id, {
      needsSignIn: true,
      lastError: 'Splattr needs you to sign in again.',
    });
    await vi.waitFor(
      () =>
        expect(events).toContainEqual(
          expect.objectContaining({
            type: 'needs-sign-in',
            connection: expect.objectContaining({ id: connection.id, status: 'needs_sign_in' }),
          }),
        ),
      { timeout: 5_000 },
    );
  });

  it('reconnects with the wider scope a bridge asked for, once', async () => {
    const { connection } = await companion.service.add({ client: 'cursor' });
    const held = openRegistry({ dataDir: companion.dataDir }).get(connection.id)?.server.scope;
    // What a bridge records after Splattr's 403 insufficient_scope (test/integration/bridge).
    await openStatusFiles(companion.dataDir).update(connection.id, {
      needsSignIn: true,
      stepUpScope: `${held} crm:write`,
    });
    const urls: string[] = [];
    companion.service.onEvent((event) => {
      if (event.type === 'sign-in-pending') urls.push(event.url);
    });

    expect((await companion.service.reconnect({ id: connection.id })).status).toBe('connected');
    expect(new URL(urls[0]!).searchParams.get('scope')).toBe(`${held} crm:write`);
    const record = openRegistry({ dataDir: companion.dataDir }).get(connection.id);
    expect(record?.server.scope).toBe(`${held} crm:write`);
    const status = await openStatusFiles(companion.dataDir).read(connection.id);
    expect(status).toMatchObject({ needsSignIn: false });
    expect(status?.stepUpScope).toBeUndefined();
  });

  it('refuses a second add to the same client and keeps the first', async () => {
    const { connection } = await companion.service.add({ client: 'cursor' });
    await expect(companion.service.add({ client: 'cursor' })).rejects.toMatchObject({
      code: 'already_connected',
    });
    expect((await companion.service.listConnections({})).map((c) => c.id)).toEqual([connection.id]);
  });
});
