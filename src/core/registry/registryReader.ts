import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CompanionError } from '../../shared/errors';
import { dataDir } from '../paths';
import {
  RegistryContentSchema,
  type ConnectionRecord,
  type RegistryContent,
  type RegistrySettings,
} from './schema';

/** The file format version (conf's `projectVersion`), not the app version. */
export const REGISTRY_FORMAT_VERSION = '2.0.0';
export const REGISTRY_FILE_NAME = 'registry';

/** What a process that never writes the registry (a bridge) may do with it. */
export interface RegistryReader {
  readonly path: string;
  list(): ConnectionRecord[];
  get(id: string): ConnectionRecord | undefined;
  getSettings(): RegistrySettings;
}

/**
 * The registry as a read-only view of the file the app writes through conf. conf is not used
 * here: opening it may write the file (its migrations, its version key), and it brings ajv,
 * semver and friends, about 30 ms of start-up CPU in a bridge that only reads one JSON file.
 * Every read goes to the file, so a bridge sees the app's latest write without reopening.
 */
export function openRegistryReader(options: { dataDir?: string } = {}): RegistryReader {
  const filePath = path.join(options.dataDir ?? dataDir(), `${REGISTRY_FILE_NAME}.json`);
  return {
    path: filePath,
    list: () => Object.values(readRegistryFile(filePath).connections),
    get: (id) => readRegistryFile(filePath).connections[id],
    getSettings: () => readRegistryFile(filePath).settings,
  };
}

/** The one read of the registry file, for the reader and for the app's registry alike. */
export function readRegistryFile(filePath: string): RegistryContent {
  let raw: Partial<RegistryContent> & { __internal__?: { migrations?: { version?: unknown } } };
  try {
    raw = JSON.parse(readFileSync(filePath, 'utf8')) as typeof raw;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { connections: {}, settings: {} };
    throw registryUnreadable(filePath, error);
  }
  const version = raw?.__internal__?.migrations?.version;
  // Only the app migrates the file: a bridge reading an older format must not take it for damage.
  if (version !== undefined && version !== REGISTRY_FORMAT_VERSION) {
    throw new CompanionError(
      'registry_invalid',
      `Splattr Companion's list of connections (${filePath}) was written by another version of the app. Open Splattr Companion once so it updates the list, then try again.`,
    );
  }
  const parsed = RegistryContentSchema.safeParse({
    connections: raw?.connections ?? {},
    settings: raw?.settings ?? {},
  });
  if (!parsed.success) throw registryUnreadable(filePath, parsed.error);
  return parsed.data;
}

export function registryUnreadable(filePath: string, cause: unknown): CompanionError {
  return new CompanionError(
    'registry_invalid',
    `Splattr Companion's list of connections (${filePath}) is damaged and could not be read. Move the file aside and add your connections again.`,
    { cause },
  );
}
