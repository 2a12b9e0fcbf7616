import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Packager } from 'electron-builder';
import plist from 'plist';
import { describe, expect, it } from 'vitest';

/** What Electron needs under the hardened runtime: V8's JIT (resources/entitlements.mac.plist says why). */
const NEEDED = { 'com.apple.security.cs.allow-jit': true };

describe('the macOS build’s entitlements', () => {
  it('are ours, for the app and for its helpers, under the hardened runtime', async () => {
    // electron-builder's own reading of electron-builder.yml, defaults and validation included.
    const packager = new Packager({ projectDir: process.cwd() });
    await packager.validateConfig();
    const mac = packager.config.mac!;

    expect(mac.hardenedRuntime).toBe(true);
    const ours = path.resolve('resources/entitlements.mac.plist');
    expect(path.resolve(mac.entitlements!)).toBe(ours);
    // Without this, helpers and native modules get electron-builder's template (JIT, unsigned
    // executable memory, library validation off).
    expect(path.resolve(mac.entitlementsInherit!)).toBe(ours);
  });

  it('grant V8’s JIT and nothing else: no unsigned executable memory, no library validation off', async () => {
    const granted = plist.parse(await readFile('resources/entitlements.mac.plist', 'utf8'));
    expect(granted).toEqual(NEEDED);
  });
});
