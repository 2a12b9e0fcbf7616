import { utcTimestamp } from '../utcTimestamp';
import type { SavedServer } from '../registry/statusFiles';
import type { BridgeLog, BridgeStatusPatch, BridgeStatusSink, ServerEras } from './types';

/**
 * Keeps the status file in step with the bridge without a file write on every call: a change of
 * health (needs sign-in, error, recovered) is written at once; "last used" alone at most once per
 * interval. Writes are chained so they land in order, and never block the relay.
 */
export class StatusReporter {
  private needsSignIn = false;
  private lastError: string | undefined;
  private lastWrite = -Infinity;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly sink: BridgeStatusSink,
    private readonly log: BridgeLog,
    private readonly intervalMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  used(): void {
    if (this.now() - this.lastWrite >= this.intervalMs) this.write({});
  }

  healthy(): void {
    if (this.needsSignIn || this.lastError !== undefined) {
      this.needsSignIn = false;
      this.lastError = undefined;
      this.write({ needsSignIn: false, lastError: undefined });
    }
  }

  signInNeeded(sentence: string): void {
    if (!this.needsSignIn || this.lastError !== sentence) {
      this.needsSignIn = true;
      this.lastError = sentence;
      this.write({ needsSignIn: true, lastError: sentence });
    }
  }

  failed(sentence: string): void {
    if (this.lastError !== sentence) {
      this.lastError = sentence;
      this.write({ lastError: sentence });
    }
  }

  /** Keeps Splattr's latest answers about itself for a bridge started while signed out. */
  saveServer(savedServer: SavedServer): void {
    this.write({ savedServer });
  }

  /** Keeps what the bridge learnt of Splattr's eras, so the next one need not probe. */
  learntEras(serverEras: Record<string, ServerEras>): void {
    this.write({ serverEras });
  }

  /** Resolves once every write asked for so far has landed (or failed and been logged). */
  flush(): Promise<void> {
    return this.chain;
  }

  private write(patch: BridgeStatusPatch): void {
    this.lastWrite = this.now();
    const full = { ...patch, lastUsedAt: utcTimestamp(this.lastWrite) };
    this.chain = this.chain
      .then(() => this.sink.update(full))
      .catch((error: unknown) =>
        this.log.warn('status file not written', { error: String(error) }),
      );
  }
}
