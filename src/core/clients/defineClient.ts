import { readdir } from 'node:fs/promises';
import { CLIENT_NAMES, type ClientId } from '../../shared/clients';
import { CompanionError } from '../../shared/errors';
import { CONFIG_ENTRY_KEY } from '../../shared/server';
import { classifyEntry } from '../bridgeEntry';
import {
  backupPath,
  configLockPath,
  editConfigEntry,
  jsonFormat,
  readConfigEntry,
  type ConfigFormat,
} from './configFile';
import { resolveContext, type ClientContext, type ResolvedContext } from './context';
import { findProcesses } from './processes';
import type { BridgeEntry } from '../bridgeEntry';
import type { McpClient } from './types';

/** What differs from one client to the next; everything else is shared by defineClient. */
export interface ClientSpec {
  id: ClientId;
  needsRestartAfterChange: boolean;
  configPath(c: ResolvedContext): string;
  /** The file's format and where its servers live; JSON(C) `mcpServers` when not given. */
  format?: ConfigFormat;
  /** Our entry as this client spells a stdio server (some add `type` or `source`). */
  toConfig?(entry: BridgeEntry): Record<string, unknown>;
  /** Where the app itself is installed on this OS; its data folder counts as well. */
  appLocations(c: ResolvedContext): string[];
  /** The folder the client keeps its own files in; the config file's folder when not given. */
  dataFolder?(c: ResolvedContext): string;
  /** The main process's executable name on each OS (see processes.ts for what `ps` shows). */
  processNames: Partial<Record<NodeJS.Platform, readonly string[]>>;
  restart?(ctx?: ClientContext): Promise<void>;
}

/** The refusal to overwrite a `splattr` server someone else wrote, naming the file. */
export function entryConflict(clientName: string, file: string): CompanionError {
  return new CompanionError(
    'config_entry_conflict',
    `${clientName} already has a server named "${CONFIG_ENTRY_KEY}" that Splattr Companion did not add (in ${file}). It was left as it is: replace it only if you no longer need it.`,
  );
}

export function defineClient(spec: ClientSpec): McpClient {
  const name = CLIENT_NAMES[spec.id];
  const format = spec.format ?? jsonFormat();
  const toConfig = spec.toConfig ?? ((entry: BridgeEntry) => entry);
  const configPath = (ctx?: ClientContext) => spec.configPath(resolveContext(ctx));
  const readEntry = async (ctx?: ClientContext) =>
    classifyEntry(await readConfigEntry(configPath(ctx), CONFIG_ENTRY_KEY, format));

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
      const folder = spec.dataFolder?.(c) ?? c.path.dirname(configFile);
      const names = await readdir(folder).catch(() => [] as string[]);
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
      const edit = (current: unknown) => {
        if (classifyEntry(current).kind === 'foreign' && !options.replace) {
          throw entryConflict(name, file);
        }
        return toConfig(entry);
      };
      await editConfigEntry(file, edit, CONFIG_ENTRY_KEY, format);
    },
    async removeEntry(options = {}, ctx) {
      const remove = (current: unknown) => {
        const state = classifyEntry(current);
        const ours =
          state.kind === 'ours' &&
          (options.connectionId === undefined || state.connectionId === options.connectionId);
        return ours ? undefined : current;
      };
      return editConfigEntry(configPath(ctx), remove, CONFIG_ENTRY_KEY, format);
    },
  };
  if (spec.restart) client.restart = spec.restart;
  return client;
}
