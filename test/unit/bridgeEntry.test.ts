import { describe, expect, it } from 'vitest';
import {
  buildBridgeEntry,
  classifyEntry,
  entryHealth,
  healEntry,
  type BridgeLauncher,
} from '../../src/core/bridgeEntry';
import { BRIDGE_NODE_FLAGS } from '../../src/core/bridgeNodeFlags';

const APP: BridgeLauncher = {
  command: '/Applications/Splattr Companion.app/Contents/MacOS/Splattr Companion',
  scriptPath:
    '/Applications/Splattr Companion.app/Contents/Resources/app.asar.unpacked/out/bridge/bridge.mjs',
  env: { ELECTRON_RUN_AS_NODE: '1' },
};
const DOWNLOADS: BridgeLauncher = {
  ...APP,
  command: '/Users/ada/Downloads/Splattr Companion.app/Contents/MacOS/Splattr Companion',
  scriptPath:
    '/Users/ada/Downloads/Splattr Companion.app/Contents/Resources/app.asar.unpacked/out/bridge/bridge.mjs',
};
const CHECKOUT_CLI: BridgeLauncher = {
  command: '/usr/local/bin/node',
  scriptPath: '/home/ada/splattr-companion/out/bridge/bridge.mjs',
};

/** A disk holding exactly `files`. */
const disk =
  (...launchers: BridgeLauncher[]) =>
  (p: string) =>
    launchers.some((l) => l.command === p || l.scriptPath === p);

describe('whether a client can still start our entry', () => {
  it('is current when it is what the app writes now', () => {
    expect(entryHealth(buildBridgeEntry(APP, 'c1'), APP, disk(APP))).toBe('current');
  });

  it('is missing when the app moved away from the executable or the script it names', () => {
    const entry = buildBridgeEntry(DOWNLOADS, 'c1');
    expect(entryHealth(entry, APP, disk(APP))).toBe('missing');
    // An update that kept the executable but moved the script breaks it just the same.
    const keptExecutable = (p: string) => p === DOWNLOADS.command || disk(APP)(p);
    expect(entryHealth(entry, APP, keptExecutable)).toBe('missing');
  });

  it('is moved when it names an older copy of the app that still exists', () => {
    expect(entryHealth(buildBridgeEntry(DOWNLOADS, 'c1'), APP, disk(APP, DOWNLOADS))).toBe('moved');
  });

  it('is moved when the data folder it names is not the app’s any more', () => {
    const entry = buildBridgeEntry(
      { ...APP, env: { ...APP.env, SPLATTR_COMPANION_HOME: '/a' } },
      'c1',
    );
    expect(entryHealth(entry, APP, disk(APP))).toBe('moved');
  });

  it('leaves a working entry of the other kind of launcher alone (CLI and app on one machine)', () => {
    const fromCli = buildBridgeEntry(CHECKOUT_CLI, 'c1');
    expect(entryHealth(fromCli, APP, disk(APP, CHECKOUT_CLI))).toBe('other');
    expect(entryHealth(buildBridgeEntry(APP, 'c1'), CHECKOUT_CLI, disk(APP, CHECKOUT_CLI))).toBe(
      'other',
    );
    // …unless the client could not start it.
    expect(entryHealth(fromCli, APP, disk(APP))).toBe('missing');
  });

  it('cannot judge a bare command the client looks up on its own PATH', () => {
    const entry = { ...buildBridgeEntry(CHECKOUT_CLI, 'c1'), command: 'node' };
    expect(entryHealth(entry, CHECKOUT_CLI, disk(CHECKOUT_CLI))).toBe('moved');
    expect(entryHealth(entry, APP, disk(APP, CHECKOUT_CLI))).toBe('other');
  });
});

describe('healing an entry', () => {
  it('points it at the launcher, keeping the person’s flags and variables', () => {
    const entry = buildBridgeEntry(
      { ...DOWNLOADS, env: { ...DOWNLOADS.env, SPLATTR_COMPANION_HOME: '/old/data' } },
      'c1',
    );
    entry.args.unshift('--max-old-space-size=256');
    entry.env = { ...entry.env, NODE_EXTRA_CA_CERTS: '/etc/acme.pem' };

    const healed = healEntry(entry, APP);
    expect(healed).toEqual({
      command: APP.command,
      args: [
        '--max-old-space-size=256',
        ...BRIDGE_NODE_FLAGS,
        APP.scriptPath,
        '--connection',
        'c1',
      ],
      env: { NODE_EXTRA_CA_CERTS: '/etc/acme.pem', ELECTRON_RUN_AS_NODE: '1' },
    });
    expect(classifyEntry(healed)).toMatchObject({ kind: 'ours', connectionId: 'c1' });
    expect(entryHealth(healed, APP, disk(APP))).toBe('current');
  });

  it('adds the Node options an older entry lacks, once, keeping the person’s', () => {
    const older = {
      command: APP.command,
      args: ['--max-old-space-size=256', APP.scriptPath, '--connection', 'c1'],
      env: { ELECTRON_RUN_AS_NODE: '1' },
    };
    // Still starts, but is not what this app writes: healed at the app's next start.
    expect(entryHealth(older, APP, disk(APP))).toBe('moved');
    const healed = healEntry(older, APP);
    expect(healed.args).toEqual([
      '--max-old-space-size=256',
      ...BRIDGE_NODE_FLAGS,
      APP.scriptPath,
      '--connection',
      'c1',
    ]);
    expect(healEntry(healed, APP)).toEqual(healed);
    expect(entryHealth(healed, APP, disk(APP))).toBe('current');
  });

  it('drops the app’s Node-mode variable when a plain Node takes over', () => {
    const healed = healEntry(buildBridgeEntry(APP, 'c1'), CHECKOUT_CLI);
    expect(healed).toEqual(buildBridgeEntry(CHECKOUT_CLI, 'c1'));
  });
});
