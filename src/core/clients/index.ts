import type { ClientId, ClientInfo } from '../../shared/clients';
import { CompanionError } from '../../shared/errors';
import { claudeCode } from './claudeCode';
import { claudeDesktop } from './claudeDesktop';
import { codex } from './codex';
import type { ClientContext } from './context';
import { cursor } from './cursor';
import { geminiCli } from './geminiCli';
import { lmStudio } from './lmStudio';
import { vscode, vscodeInsiders } from './vscode';
import { windsurf } from './windsurf';
import { zed } from './zed';
import type { McpClient } from './types';

export { backupPath } from './configFile';
export type { ClientContext } from './context';
export { entryConflict } from './defineClient';
export type * from './types';

/** Every client the app knows: adding one is a module beside this file and one line here. */
const CLIENTS = {
  'claude-desktop': claudeDesktop,
  cursor,
  'claude-code': claudeCode,
  vscode,
  'vscode-insiders': vscodeInsiders,
  windsurf,
  'gemini-cli': geminiCli,
  codex,
  zed,
  'lm-studio': lmStudio,
} satisfies Record<ClientId, McpClient>;

export const clients: readonly McpClient[] = Object.values(CLIENTS);

export function getClient(id: string): McpClient {
  if (!Object.hasOwn(CLIENTS, id)) throw new CompanionError('client_not_found');
  return CLIENTS[id as ClientId];
}

/** What the UI shows on a client's card. */
export async function describeClient(client: McpClient, ctx?: ClientContext): Promise<ClientInfo> {
  const [installed, running] = await Promise.all([client.isInstalled(ctx), client.isRunning()]);
  return {
    id: client.id,
    name: client.name,
    installed,
    configPath: client.configPath(ctx),
    running,
    needsRestartAfterChange: client.needsRestartAfterChange,
    canRestart: client.restart !== undefined,
  };
}
