// conf is the Electron-free core of electron-store (same file format, atomic writes, migrations).
// electron-store itself imports `electron`, which src/core may not: the bridge runs as plain node.
import Conf from 'conf';
import * as z from 'zod/mini';
import { CompanionError } from '../../shared/errors';
import { dataDir, ensureDataDir } from '../paths';
import { utcTimestamp } from '../utcTimestamp';
import {
  openRegistryReader,
  readRegistryFile,
  REGISTRY_FILE_NAME,
  REGISTRY_FORMAT_VERSION,
  registryUnreadable,
  type RegistryReader,
} from './registryReader';
import {
  ConnectionRecordSchema,
  RegistrySettingsSchema,
  assertConnectionId,
  type ConnectionRecord,
  type RegistryContent,
  type RegistrySettings,
} from './schema';

export { REGISTRY_FORMAT_VERSION };

type StoredFile = Partial<RegistryContent> & Record<string, unknown>;

const migrations: Record<string, (store: Conf<StoredFile>) => void> = {
  // Format 1 (the first development builds) kept connections as a list and had no crash-recovery
  // state; format 2 keys them by id and marks each with its state.
  '2.0.0': (store) => {
    const old: unknown = store.get('connections');
    if (!Array.isArray(old)) return;
    const byId: Record<string, unknown> = {};
    for (const item of old as Array<Record<string, unknown>>) {
      if (typeof item?.id !== 'string') continue;
      byId[item.id] = { state: 'active', updatedAt: item.createdAt, ...item };
    }
    store.set('connections', byId as RegistryContent['connections']);
  },
};

export type ConnectionPatch = Partial<Omit<ConnectionRecord, 'id' | 'createdAt' | 'updatedAt'>>;

export interface Registry extends RegistryReader {
  /** Creates or replaces a record. */
  put(record: ConnectionRecord): ConnectionRecord;
  /** Throws `connection_not_found` when there is no such record. */
  update(id: string, patch: ConnectionPatch): ConnectionRecord;
  /** Returns whether a record was there. */
  delete(id: string): boolean;
  setSettings(patch: RegistrySettings): RegistrySettings;
}

export interface RegistryOptions {
  dataDir?: string;
  now?: () => Date;
}

/**
 * Connection records, none of them secret, for the app's service: the only writer (conf, for its
 * atomic writes and migrations). Reads go through the same file read as the bridges'
 * `openRegistryReader`; bridges report through status files instead.
 */
export function openRegistry(options: RegistryOptions = {}): Registry {
  const dir = options.dataDir ?? dataDir();
  const now = options.now ?? (() => new Date());
  const reader = openRegistryReader({ dataDir: dir });
  const filePath = reader.path;

  let conf: Conf<StoredFile>;
  try {
    conf = new Conf<StoredFile>({
      // conf would create the folder with the default mode (0755 under the usual umask).
      cwd: ensureDataDir(dir),
      configName: REGISTRY_FILE_NAME,
      projectVersion: REGISTRY_FORMAT_VERSION,
      migrations,
      accessPropertiesByDotNotation: false,
      configFileMode: 0o600,
    });
  } catch (error) {
    throw registryUnreadable(filePath, error);
  }

  // Changes start from the file as it is now, read as the bridges read it.
  const read = () => readRegistryFile(filePath);

  function write(content: RegistryContent): void {
    conf.set({ connections: content.connections, settings: content.settings });
  }

  return {
    ...reader,
    put(record) {
      const valid = parseOrRefuse(ConnectionRecordSchema, record, 'connection record');
      const content = read();
      content.connections[valid.id] = valid;
      write(content);
      return valid;
    },
    update(id, patch) {
      const content = read();
      const current = content.connections[assertConnectionId(id)];
      if (!current) throw new CompanionError('connection_not_found');
      const next = parseOrRefuse(
        ConnectionRecordSchema,
        {
          ...current,
          ...patch,
          id,
          createdAt: current.createdAt,
          updatedAt: utcTimestamp(now()),
        },
        'connection record',
      );
      content.connections[id] = next;
      write(content);
      return next;
    },
    delete(id) {
      const content = read();
      if (!content.connections[id]) return false;
      delete content.connections[id];
      write(content);
      return true;
    },
    setSettings(patch) {
      const content = read();
      content.settings = parseOrRefuse(
        RegistrySettingsSchema,
        { ...content.settings, ...patch },
        'settings',
      );
      write(content);
      return content.settings;
    },
  };
}

function parseOrRefuse<T>(schema: z.core.$ZodType<T>, value: unknown, what: string): T {
  const parsed = z.safeParse(schema, value);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ');
  throw new CompanionError(
    'invalid_input',
    `The ${what} is invalid (${fields}); nothing was saved.`,
  );
}
