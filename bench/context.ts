import type { Connection } from './subjects';

/** What every measurement gets from run.ts. */
export interface BenchContext {
  progress(line: string): void;
  /** Keeps a connection to close should the bench stop; returns the function that forgets it. */
  track(connection: Connection): () => void;
  /**
   * Aborted by Ctrl+C, SIGTERM or the deadline. Loops check it between steps, so a process being
   * spawned at that moment is still tracked and closed rather than left behind.
   */
  signal: AbortSignal;
}
