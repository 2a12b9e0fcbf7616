import { readdir } from 'node:fs/promises';
import { CLIENT_NAMES, type ClientId } from '../../shared/clients';
import { CompanionError } from '../../shared/errors';
import { CONFIG_ENTRY_KEY } from '../../shared/server';
import { classifyEntry } from '../bridgeEntry';
import { backupPath, configLockPath, editConfigEntry, readConfigEntry } from './configFile';
import { resolveContext, type ClientContext, type ResolvedContext } from './context';
import { findProcesses } from './processes';
import type { McpClient } from './types';

/** What differs from one client to the next; everything else is shared by defineClient. */
export interface ClientSpec {
  id: ClientId;
  needsRestartAfterChange: boolean;
  configPath(c: ResolvedContext): string;
  /** Where the app itself is installed on this OS; its config folder counts as well. */
  appLocations(c: ResolvedContext): string[];
  /** The main process's executable name on each OS (see processes.ts for what `ps` shows). */
  processNames: Partial<Record<NodeJS.Platform, readonly string[]>>;
  restart?(ctx?: ClientContext): Promise<void>;
}

export function defineClient(spec: ClientSpec): McpClient {
  const name = CLIENT_NAMES[spec.id];
  const configPath = (ctx?: ClientContext) => spec.configPath(resolveContext(ctx));
  const readEntry = async (ctx?: ClientContext) =>
    classifyEntry(await readConfigEntry(configPath(ctx)));

  const client: McpClient = {
    id: spec.id,
    name,
    needsRestartAfterChange: spec.needsRestartAfterChange,
    configPath,
    async isInstalled(ctx) {
      const c = resolveContext(ctx);
      if (spec.appLocations(c).some((p) => c.exists(p))) return true;
      // The client's own folder counts only when the client put something in it: the folder
      // this app creates to write the config (config, backup, lock) proves nothing.
      const configFile = spec.configPath(c);
      const ours = new Set(
        [configFile, backupPath(configFile), configLockPath(configFile)].map((p) =>
          c.path.basename(p),
        ),
      );
      const names = await readdir(c.path.dirname(configFile)).catch(() => [] as string[]);
      return names.some((name) => !ours.has(name));
    },
    async isRunning() {
      return (await findProcesses(spec.processNames[process.platform] ?? [])).length > 0;
    },
    readEntry,
    async hasOurEntry(connectionId, ctx) {
      const state = await readEntry(ctx);
      return state.kind === 'ours' && state.connectionId === connectionId;
    },
    async addEntry(entry, options = {}, ctx) {
      const file = configPath(ctx);
      await editConfigEntry(file, (current) => {
        if (classifyEntry(current).kind === 'foreign' && !options.replace) {
          throw new CompanionError(
            'config_entry_conflict',
            `${name} already has a server named "${CONFIG_ENTRY_KEY}" that Splattr Companion did not add (in ${file}). Choose Replace to overwrite it.`,
          );
        }
        return entry;
      });
    },
    async removeEntry(options = {}, ctx) {
      return editConfigEntry(configPath(ctx), (current) => {
        const state = classifyEntry(current);
        const remove =
          state.kind === 'ours' &&
          (options.connectionId === undefined || state.connectionId === options.connectionId);
        return remove ? undefined : current;
      });
    },
  };
  if (spec.restart) client.restart = spec.restart;
  return client;
}
