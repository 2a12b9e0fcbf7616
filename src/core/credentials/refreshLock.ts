import { CompanionError } from '../../shared/errors';
import { dataLockPath, withLock, type LockTiming } from '../lock';
import { assertConnectionId } from '../registry/schema';

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
  return withLock(dataLockPath(dataDir, `refresh-${assertConnectionId(connectionId)}`), work, {
    ...timing,
    whenBusy: () => new CompanionError('server_unreachable'),
  });
}
