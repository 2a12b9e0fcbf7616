import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { CompanionError } from '../../shared/errors';
import { assertConnectionId } from '../registry/schema';

export interface LockTiming {
  /**
   * A lock whose holder stopped touching it this long ago is taken over: a process killed with
   * -9 blocks the others for at most this long. The holder touches it every staleMs / 2 while
   * alive, however long its work takes.
   */
  staleMs?: number;
  /** How long to wait for another process's lock before giving up. */
  waitMs?: number;
}

const DEFAULT_STALE_MS = 10_000;
const DEFAULT_WAIT_MS = 45_000;
const POLL_MS = 100;

export function lockPath(dataDir: string, name: string): string {
  return path.join(dataDir, 'locks', name);
}

/**
 * Runs `work` while holding a cross-process lock (proper-lockfile: an atomic mkdir whose mtime
 * the holder keeps fresh). Gives up after `waitMs` with `whenBusy`.
 */
export async function withLock<T>(
  file: string,
  work: () => Promise<T>,
  timing: LockTiming = {},
  whenBusy: () => CompanionError = () => new CompanionError('busy'),
): Promise<T> {
  const stale = Math.max(timing.staleMs ?? DEFAULT_STALE_MS, 2_000);
  const waitMs = timing.waitMs ?? DEFAULT_WAIT_MS;
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(file, {
      realpath: false,
      stale,
      retries: {
        retries: Math.ceil(waitMs / POLL_MS),
        factor: 1,
        minTimeout: POLL_MS,
        maxTimeout: POLL_MS,
      },
      // The default handler throws from a timer, which would crash a bridge mid-call. Losing the
      // lock only happens when this process froze for longer than `stale`; the work goes on and
      // the release below reports nothing.
      onCompromised: () => {},
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') throw whenBusy();
    throw error;
  }
  try {
    return await work();
  } finally {
    await release().catch(() => {});
  }
}

/**
 * The per-connection refresh lock. Waiting for it too long means its holder is still talking to
 * a slow server (a dead holder's lock goes stale well before), hence `server_unreachable`.
 */
export function withRefreshLock<T>(
  dataDir: string,
  connectionId: string,
  work: () => Promise<T>,
  timing?: LockTiming,
): Promise<T> {
  return withLock(
    lockPath(dataDir, `refresh-${assertConnectionId(connectionId)}`),
    work,
    timing,
    () => new CompanionError('server_unreachable'),
  );
}
