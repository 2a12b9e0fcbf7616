import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);

async function builderConfig(): Promise<Record<string, unknown>> {
  const yaml = require('js-yaml') as { load(text: string): unknown };
  return yaml.load(await readFile('electron-builder.yml', 'utf8')) as Record<string, unknown>;
}

describe('the packaging configuration', () => {
  it('is valid for the installed electron-builder', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
      validateConfiguration(config: unknown, logger: unknown): Promise<void>;
    };
    const { DebugLogger } = require('builder-util') as {
      DebugLogger: new (on: boolean) => unknown;
    };
    await expect(
      validateConfiguration(await builderConfig(), new DebugLogger(false)),
    ).resolves.toBeUndefined();
  });

  it('keeps the bridge and keytar outside the asar, where a client can start them', async () => {
    const config = await builderConfig();
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining(['out/bridge/**', 'node_modules/keytar/**']),
    );
  });

  it('registers splattr-companion:// and flips every recommended fuse but RunAsNode', async () => {
    const config = await builderConfig();
    expect(config.protocols).toEqual([expect.objectContaining({ schemes: ['splattr-companion'] })]);
    expect(config.electronFuses).toEqual({
      runAsNode: true,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
  });
});
