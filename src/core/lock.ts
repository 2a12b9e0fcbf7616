import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { CompanionError } from '../shared/errors';

/**
 * The one cross-process lock of the app, the CLI and the bridges: proper-lockfile's atomic mkdir,
 * whose mtime the holder keeps fresh. Token refresh, status-file updates and client-config edits
 * all take it; they differ only in how long they wait and what a busy lock means to a person.
 */

export interface LockTiming {
  /**
   * A lock whose holder stopped touching it this long ago is taken over: a process killed with
   * -9 blocks the others for at most this long. The holder touches it every staleMs / 2 while
   * alive, however long its work takes. proper-lockfile refuses less than 2 s.
   */
  staleMs?: number;
  /** How long to wait for another process's lock before giving up. */
  waitMs?: number;
}

export interface LockOptions extends LockTiming {
  /** The lock folder; proper-lockfile's default is `<file>.lock`. */
  lockfilePath?: string;
  /** What giving up on a held lock throws; `busy` by default. */
  whenBusy?: () => CompanionError;
}

export interface HeldLock {
  /**
   * Throws `whenBusy` when the lock was taken over meanwhile (this process froze for longer than
   * `staleMs`): call it just before a write that must not race another holder.
   */
  assertHeld(): void;
}

const DEFAULT_STALE_MS = 10_000;
const DEFAULT_WAIT_MS = 45_000;
const MIN_STALE_MS = 2_000;
const MAX_POLL_MS = 100;

/** A named lock in the data folder (`<dataDir>/locks/<name>`), for work on one connection. */
export function dataLockPath(dataDir: string, name: string): string {
  return path.join(dataDir, 'locks', name);
}

/** Runs `work` while holding the lock on `file`; gives up after `waitMs` with `whenBusy`. */
export async function withLock<T>(
  file: string,
  work: (lock: HeldLock) => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const stale = Math.max(options.staleMs ?? DEFAULT_STALE_MS, MIN_STALE_MS);
  const waitMs = options.waitMs ?? DEFAULT_WAIT_MS;
  const whenBusy = options.whenBusy ?? (() => new CompanionError('busy'));
  const lockfilePath = options.lockfilePath ?? `${file}.lock`;
  await mkdir(path.dirname(lockfilePath), { recursive: true, mode: 0o700 });
  let compromised: Error | undefined;
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(file, {
      realpath: false,
      lockfilePath,
      stale,
      // Quick first polls (most holders finish in milliseconds), then every 100 ms.
      retries: {
        retries: Math.ceil(waitMs / MAX_POLL_MS) + 8,
        factor: 1.5,
        minTimeout: 10,
        maxTimeout: MAX_POLL_MS,
      },
      // The default handler throws from a timer, which would crash a bridge mid-call; the holder
      // learns of it through assertHeld instead.
      onCompromised: (error) => {
        compromised = error;
      },
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') throw whenBusy();
    throw error;
  }
  const lock: HeldLock = {
    assertHeld() {
      if (compromised) throw Object.assign(whenBusy(), { cause: compromised });
    },
  };
  try {
    return await work(lock);
  } finally {
    await release().catch(() => {});
  }
}
