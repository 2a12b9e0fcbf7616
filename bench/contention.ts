import type { RemoteControls } from '../support/sandbox';
import { median } from './stats';
import { whoami } from './measure';
import type { BenchContext } from './context';
import type { Subject } from './subjects';

export interface ContentionFigures {
  bridges: number;
  /** From spawning all of them at once to the last initialize result. */
  allReadyMs: number;
  /** Token-endpoint requests with grant_type=refresh_token during the first calls: must be 1. */
  refreshRequests: number;
  /** Every bridge's first call after the expiry, timed from the moment all were sent. */
  firstCallMs: number[];
  firstCallMedianMs: number;
  firstCallMaxMs: number;
}

/**
 * N bridges on one connection whose tokens expire together: all call at once, and exactly one
 * of them may refresh (refresh tokens rotate; a second refresh would reuse a spent one).
 */
export async function measureContention(
  bridges: number,
  subject: Subject,
  expireTokens: () => Promise<void>,
  controls: RemoteControls,
  { track, signal }: BenchContext,
): Promise<ContentionFigures> {
  signal.throwIfAborted();
  const started = performance.now();
  const settled = await Promise.allSettled(
    Array.from({ length: bridges }, () => subject.connect()),
  );
  const allReadyMs = performance.now() - started;
  const connections = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const untrack = connections.map(track);
  try {
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    signal.throwIfAborted();

    await expireTokens();
    await controls.resetTokenRequests();
    const sent = performance.now();
    const firstCallMs = await Promise.all(
      connections.map(async (connection) => {
        await whoami(connection);
        return performance.now() - sent;
      }),
    );
    const counted = await controls.tokenRequests();
    return {
      bridges,
      allReadyMs,
      refreshRequests: counted.refresh_token ?? 0,
      firstCallMs,
      firstCallMedianMs: median(firstCallMs),
      firstCallMaxMs: Math.max(...firstCallMs),
    };
  } finally {
    await Promise.all(connections.map((c) => c.close().catch(() => undefined)));
    untrack.forEach((u) => u());
  }
}
