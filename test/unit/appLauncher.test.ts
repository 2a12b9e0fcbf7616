import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  assertLastingLocation,
  installAppLauncher,
  resolveAppLauncher,
  temporaryLocation,
  type AppRuntime,
} from '../../src/core/appLauncher';
import { buildBridgeEntry } from '../../src/core/bridgeEntry';
import { thrownCompanionError } from '../helpers/companionError';
import { withTempDir } from '../helpers/tempDir';

const run = promisify(execFile);
const dir = withTempDir('splattr-launcher-');

/** A packaged Linux app as Electron describes it, with `overrides` from the case at hand. */
function linuxRuntime(overrides: Partial<AppRuntime> = {}): AppRuntime {
  return {
    execPath: '/opt/Splattr Companion/splattr-companion',
    env: {},
    platform: 'linux',
    isPackaged: true,
    resourcesPath: '/opt/Splattr Companion/resources',
    appPath: '/opt/Splattr Companion/resources/app.asar',
    dataDir: '/home/ada/.config/splattr-companion',
    ...overrides,
  };
}

/** What an AppImage's runtime gives the app: a fresh mount, and the file itself in $APPIMAGE. */
function appImageRuntime(mount: string, dataDir: string): AppRuntime {
  return linuxRuntime({
    execPath: path.join(mount, 'splattr-companion'),
    resourcesPath: path.join(mount, 'resources'),
    env: { APPIMAGE: '/home/ada/Applications/Splattr-Companion.AppImage', APPDIR: mount },
    dataDir,
  });
}

describe('where client configs find the app', () => {
  it('names the installed executable in Node mode and the unpacked bridge beside it', () => {
    expect(resolveAppLauncher(linuxRuntime())).toEqual({
      launcher: {
        command: '/opt/Splattr Companion/splattr-companion',
        scriptPath: '/opt/Splattr Companion/resources/app.asar.unpacked/out/bridge/bridge.mjs',
        env: { ELECTRON_RUN_AS_NODE: '1' },
      },
    });
  });

  it('uses the checkout’s built bridge in development', () => {
    const { launcher } = resolveAppLauncher(
      linuxRuntime({
        isPackaged: false,
        execPath: '/src/node_modules/electron/dist/electron',
        appPath: '/src',
      }),
    );
    expect(launcher.scriptPath).toBe('/src/out/bridge/bridge.mjs');
    expect(launcher.command).toBe('/src/node_modules/electron/dist/electron');
  });

  it('names the AppImage file, never its temporary mount, for an AppImage', () => {
    const mount = '/tmp/.mount_SplattXq3v9A';
    const { launcher, loader } = resolveAppLauncher(
      appImageRuntime(mount, '/home/ada/.config/splattr-companion'),
    );
    expect(launcher).toEqual({
      command: '/home/ada/Applications/Splattr-Companion.AppImage',
      scriptPath: '/home/ada/.config/splattr-companion/appimage/bridge.mjs',
      env: { ELECTRON_RUN_AS_NODE: '1' },
    });
    expect(JSON.stringify(launcher)).not.toContain('.mount_');
    expect(loader?.path).toBe(launcher.scriptPath);
    // The entry it makes is recognised as ours, whatever the AppImage is called.
    expect(() => buildBridgeEntry(launcher, 'cursor-1')).not.toThrow();
    expect(temporaryLocation(launcher.command, 'linux')).toBeUndefined();
  });

  it('starts the bridge inside whichever mount the AppImage made for the client', async () => {
    const dataDir = path.join(dir(), 'data');
    const appImage = resolveAppLauncher(appImageRuntime('/tmp/.mount_SplattXq3v9A', dataDir));
    const launcher = await installAppLauncher(appImage);

    // A later run of the AppImage mounts it elsewhere; the bridge there reports what it got.
    const laterMount = path.join(dir(), '.mount_SplattB7k2Lm');
    const bridge = path.join(laterMount, 'resources', 'app.asar.unpacked', 'out', 'bridge');
    await mkdir(bridge, { recursive: true });
    await writeFile(
      path.join(bridge, 'bridge.mjs'),
      'process.stdout.write(JSON.stringify(process.argv.slice(2)));\n',
    );
    const entry = buildBridgeEntry(launcher, 'cursor-1');
    const { stdout } = await run(process.execPath, entry.args, {
      env: { ...process.env, ...entry.env, APPDIR: laterMount },
    });
    expect(JSON.parse(stdout)).toEqual(['--connection', 'cursor-1']);

    // Started without the AppImage (no APPDIR), it says how to start it instead of crashing.
    const alone = await run(process.execPath, entry.args, { env: {} }).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(alone).toMatchObject({ code: 2 });
    expect((alone as { stderr: string }).stderr).toContain(
      'through the Splattr Companion AppImage',
    );
  });

  it('refuses a macOS translocated copy and says to move the app to Applications', () => {
    const translocated =
      '/private/var/folders/x7/2b1vq9ks3l5_0f8p0000gn/T/AppTranslocation/6F3E1C4A-8B2D-4E8F-9A0B-1C2D3E4F5A6B/d/Splattr Companion.app/Contents/MacOS/Splattr Companion';
    const error = thrownCompanionError(() => assertLastingLocation(translocated, 'darwin'));
    expect(error.code).toBe('app_location_temporary');
    expect(error.message).toContain('move Splattr Companion to your Applications folder');
    expect(
      temporaryLocation(
        '/Applications/Splattr Companion.app/Contents/MacOS/Splattr Companion',
        'darwin',
      ),
    ).toBeUndefined();
  });

  it('refuses an AppImage’s temporary mount when the AppImage did not name itself', () => {
    const { launcher } = resolveAppLauncher(
      linuxRuntime({
        execPath: '/tmp/.mount_SplattXq3v9A/splattr-companion',
        resourcesPath: '/tmp/.mount_SplattXq3v9A/resources',
      }),
    );
    const error = thrownCompanionError(() => assertLastingLocation(launcher.command, 'linux'));
    expect(error.code).toBe('app_location_temporary');
    expect(error.message).toContain('Save the Splattr Companion AppImage in a folder you keep');
    expect(temporaryLocation('/opt/Splattr Companion/splattr-companion', 'linux')).toBeUndefined();
  });
});
