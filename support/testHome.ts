import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Sandbox } from '../src/sandbox';

export interface TestHome {
  home: string;
  /** The app's data folder (SPLATTR_COMPANION_HOME), inside `home`. */
  dataDir: string;
  /** This process's environment as the app, the CLI or a bridge sees it in that home. */
  env: NodeJS.ProcessEnv;
  dispose(): Promise<void>;
}

/**
 * A person's empty temporary HOME, with the config and data folders inside it and the app
 * pointed at the sandbox, so nothing a test does reaches the real home.
 */
export async function createTestHome(
  sandbox: Pick<Sandbox, 'mcpUrl'>,
  prefix = 'splattr-home-',
): Promise<TestHome> {
  const home = await mkdtemp(path.join(os.tmpdir(), prefix));
  const dataDir = path.join(home, 'companion-data');
  return {
    home,
    dataDir,
    env: {
      ...process.env,
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, '.config'),
      SPLATTR_COMPANION_HOME: dataDir,
      SPLATTR_MCP_URL: sandbox.mcpUrl,
    },
    dispose: () => rm(home, { recursive: true, force: true }),
  };
}
