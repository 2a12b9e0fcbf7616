import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ClientContext } from '../../../src/core/clients';

export interface TempHome {
  home: string;
  /** A folder on PATH, empty unless a test puts a fake executable there. */
  bin: string;
  ctx: ClientContext;
  cleanup(): Promise<void>;
}

/** A fresh HOME for one test, seen by the client modules as this Linux user's HOME. */
export async function makeTempHome(): Promise<TempHome> {
  const home = await fs.mkdtemp(path.join(os.tmpdir(), 'splattr-clients-'));
  const bin = path.join(home, 'bin');
  await fs.mkdir(bin);
  return {
    home,
    bin,
    ctx: { env: { HOME: home, PATH: bin }, platform: 'linux' },
    async cleanup() {
      // Tests make folders read-only; give them back their write bit so they can be deleted.
      await restoreWritable(home);
      await fs.rm(home, { recursive: true, force: true });
    },
  };
}

async function restoreWritable(dir: string): Promise<void> {
  await fs.chmod(dir, 0o755);
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) await restoreWritable(path.join(dir, entry.name));
  }
}

export const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/configs');

export const LAUNCHER = {
  command: '/opt/Splattr Companion/splattr-companion',
  scriptPath: '/opt/Splattr Companion/resources/bridge/bridge.mjs',
  env: { ELECTRON_RUN_AS_NODE: '1' },
};
