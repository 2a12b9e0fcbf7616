import { spawnSync } from 'node:child_process';

export interface SourceState {
  commit: string;
  /** Files of the bridge's sources that differed from that commit when the bundle was built. */
  uncommitted: string[];
}

const BRIDGE_SOURCES = ['src/bridge', 'src/core', 'src/shared', 'scripts/build-bridge.mjs'];

/** Which bridge the figures belong to: the bench builds the bundle from the working tree. */
export function sourceState(): SourceState {
  const git = (args: string[]) =>
    spawnSync('git', args, { encoding: 'utf8', timeout: 10_000 }).stdout?.trimEnd() ?? '';
  return {
    commit: git(['rev-parse', 'HEAD']) || 'unknown',
    uncommitted: git(['status', '--porcelain', '--', ...BRIDGE_SOURCES])
      .split('\n')
      .filter(Boolean)
      .map((line) => line.slice(3)),
  };
}
