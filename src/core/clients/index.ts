import type { ClientId, ClientInfo } from '../../shared/clients';
import { CompanionError } from '../../shared/errors';
import { claudeDesktop } from './claudeDesktop';
import type { ClientContext } from './context';
import { cursor } from './cursor';
import type { McpClient } from './types';

export { backupPath } from './configFile';
export type { ClientContext } from './context';
export type * from './types';

/** Every client the app knows: adding one is a module beside this file and one line here. */
const CLIENTS = {
  'claude-desktop': claudeDesktop,
  cursor,
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
  };
}
