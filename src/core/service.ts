import type { CompanionApi } from '../shared/api';

/** How a client config launches the bridge: an absolute executable and the built bridge script. */
export interface BridgeLauncher {
  command: string;
  scriptPath: string;
  /** `{ ELECTRON_RUN_AS_NODE: '1' }` when the executable is the app's own. */
  env?: Record<string, string>;
}

export interface CompanionServiceOptions {
  launcher: BridgeLauncher;
  /** Opens the sign-in URL: Electron's shell.openExternal in the app, the system opener in the CLI. */
  openBrowser: (url: string) => Promise<void>;
  env?: NodeJS.ProcessEnv;
}

export type CompanionService = CompanionApi & { dispose(): Promise<void> };

export async function createCompanionService(
  _options: CompanionServiceOptions,
): Promise<CompanionService> {
  throw new Error('CompanionService is being built (issue 4).');
}
