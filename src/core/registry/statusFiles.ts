import { watch as watchFolder } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod/mini';
import { utcTimestamp } from '../utcTimestamp';
import { replaceFile } from './replaceFile';
import { assertConnectionId, ConnectionIdSchema } from './schema';

/**
 * What Splattr last said about itself to a bridge of this connection: its `initialize` answer
 * and its tool list. A bridge started while the connection needs a sign-in answers the AI
 * client from this copy, so the client keeps Splattr as a working server until Reconnect.
 */
export const SavedServerSchema = z.object({
  protocolVersion: z.optional(z.string()),
  serverInfo: z.optional(z.looseObject({ name: z.string(), version: z.string() })),
  capabilities: z.optional(z.record(z.string(), z.unknown())),
  instructions: z.optional(z.string()),
  tools: z.optional(z.array(z.looseObject({ name: z.string() }))),
});
export type SavedServer = z.infer<typeof SavedServerSchema>;

/**
 * What a bridge (or any process refreshing tokens) reports about a connection. One small file
 * per connection, so the registry keeps a single writer and the app learns of changes by
 * watching a folder.
 */
export const ConnectionStatusFileSchema = z.object({
  lastUsedAt: z.optional(z.string()),
  /** A sentence a person can act on; never a secret. */
  lastError: z.optional(z.string()),
  needsSignIn: z.boolean(),
  /**
   * After a 403 `insufficient_scope`: the scope the next sign-in asks for (what the connection
   * holds plus what Splattr asked for), so Reconnect is one step-up sign-in.
   */
  stepUpScope: z.optional(z.string()),
  savedServer: z.optional(SavedServerSchema),
  /**
   * Per server origin, whether it answered (true) or refused (false) each MCP era, so a
   * bridge does not probe again at every start (2026-07-28 versioning: cache per origin).
   */
  serverEras: z.optional(
    z.record(
      z.string(),
      z.object({ legacy: z.optional(z.boolean()), modern: z.optional(z.boolean()) }),
    ),
  ),
  updatedAt: z.string(),
});
export type ConnectionStatusFile = z.infer<typeof ConnectionStatusFileSchema>;
export type StatusPatch = Partial<Omit<ConnectionStatusFile, 'updatedAt'>>;

export interface StatusFiles {
  readonly folder: string;
  /** The connection's status file, which every update replaces (a new inode and mtime). */
  fileOf(connectionId: string): string;
  read(connectionId: string): Promise<ConnectionStatusFile | undefined>;
  /** Merges `patch` into the file (`serverEras` origin by origin); a key set to undefined is cleared. */
  update(connectionId: string, patch: StatusPatch): Promise<ConnectionStatusFile>;
  remove(connectionId: string): Promise<void>;
  /** Calls back with the ids whose file changed, debounced; returns the function that stops it. */
  watch(onChange: (connectionIds: string[]) => void, debounceMs?: number): Promise<() => void>;
}

const SUFFIX = '.json';
/** A status update takes milliseconds, so a dead holder's lock may go stale sooner. */
const STATUS_LOCK = { staleMs: 5_000, waitMs: 10_000 };

export function openStatusFiles(dataDir: string, now: () => Date = () => new Date()): StatusFiles {
  const folder = path.join(dataDir, 'status');
  const fileOf = (id: string) => path.join(folder, `${assertConnectionId(id)}${SUFFIX}`);

  async function read(id: string): Promise<ConnectionStatusFile | undefined> {
    let text: string;
    try {
      text = await readFile(fileOf(id), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    // A torn or foreign file says nothing reliable; the next update replaces it.
    try {
      const parsed = ConnectionStatusFileSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  return {
    folder,
    fileOf,
    read,
    async update(id, patch) {
      // Loaded on the first write, which a bridge makes after its first call: not at start-up.
      const { dataLockPath, withLock } = await import('../lock');
      await mkdir(folder, { recursive: true, mode: 0o700 });
      // Several bridges and the app update the same file; the lock keeps one from erasing
      // another's `needsSignIn` with a stale read.
      return withLock(
        dataLockPath(dataDir, `status-${assertConnectionId(id)}`),
        async () => {
          const current = await read(id);
          const next = ConnectionStatusFileSchema.parse({
            needsSignIn: false,
            ...current,
            ...patch,
            // Per origin: a bridge reports the one it talks to, the others stay.
            ...(patch.serverEras && {
              serverEras: { ...current?.serverEras, ...patch.serverEras },
            }),
            updatedAt: utcTimestamp(now()),
          });
          await replaceFile(fileOf(id), `${JSON.stringify(next)}\n`, 0o600);
          return next;
        },
        STATUS_LOCK,
      );
    },
    async remove(id) {
      await rm(fileOf(id), { force: true });
    },
    async watch(onChange, debounceMs = 100) {
      await mkdir(folder, { recursive: true, mode: 0o700 });
      const pending = new Set<string>();
      let timer: NodeJS.Timeout | undefined;
      const watcher = watchFolder(folder, (_event, name) => {
        const id = name ? idOf(name.toString()) : undefined;
        if (!id) return;
        pending.add(id);
        timer ??= setTimeout(() => {
          timer = undefined;
          const ids = [...pending];
          pending.clear();
          onChange(ids);
        }, debounceMs);
      });
      return () => {
        clearTimeout(timer);
        watcher.close();
      };
    },
  };
}

/** Temporary files of atomic writes (`<id>.json.<hash>`) are not status files. */
function idOf(fileName: string): string | undefined {
  if (!fileName.endsWith(SUFFIX)) return undefined;
  const id = fileName.slice(0, -SUFFIX.length);
  return ConnectionIdSchema.safeParse(id).success ? id : undefined;
}
