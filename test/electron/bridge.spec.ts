import { expect, test } from '@playwright/test';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildBridgeEntry } from '../../src/core/bridgeEntry';
import { electronBinary, SKIP_REASON } from './electronApp';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

const binary = electronBinary();
if (!binary) console.warn(`Skipping the Electron tests: ${SKIP_REASON}`);
test.skip(!binary, SKIP_REASON);

// Every other bridge test launches the entry with the project's Node. A client launches it with
// the packaged app's executable in node mode, which must take the V8 options the entry puts
// before the script as Node does: a Node option it refuses would stop every bridge from starting.
test('the app’s executable in node mode starts the bridge from the entry the app writes', async () => {
  const entry = buildBridgeEntry(
    {
      command: binary!,
      scriptPath: path.join(root, 'out/bridge/bridge.mjs'),
      env: { ELECTRON_RUN_AS_NODE: '1' },
    },
    'no-such-connection',
  );
  const home = mkdtempSync(path.join(os.tmpdir(), 'splattr-electron-bridge-'));
  const failure = await run(entry.command, entry.args, {
    env: { ...entry.env, HOME: home, SPLATTR_COMPANION_HOME: path.join(home, 'data') },
    timeout: 30_000,
  }).then(
    () => undefined,
    (error: { code?: number; stderr?: string }) => error,
  );
  // The bridge itself ran, and said what a client shows for a removed connection.
  expect(failure?.stderr).toContain('Splattr bridge: That connection no longer exists.');
  expect(failure?.stderr).not.toContain('bad option');
  expect(failure?.code).toBe(1);
});
