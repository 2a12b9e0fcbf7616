import { spawn } from 'node:child_process';
import { median } from './stats';
import { withTimeout } from './timeouts';

export interface StartupBreakdown {
  /** `node -e 0`: what any Node process costs before loading anything. */
  nodeAloneMs: number;
  /** The bridge bundle without arguments: Node, plus loading and evaluating the bundle, then the usage error. */
  bundleLoadedMs: number;
  nodeAloneRssMiB: number;
  bundleLoadedRssMiB: number;
}

// Prints the process's resident memory as it exits, whatever made it exit.
const RSS_AT_EXIT =
  'data:text/javascript,process.on("exit",()=>process.stderr.write("\\nrss="+process.memoryUsage.rss()))';

/** Splits the bridge's time to ready into Node itself, the bundle's loading, and the rest. */
export async function measureStartupBreakdown(
  bridgeScript: string,
  samples: number,
): Promise<StartupBreakdown> {
  const alone = [];
  const loaded = [];
  for (let i = 0; i < samples; i++) {
    alone.push(await run(['--import', RSS_AT_EXIT, '-e', '0']));
    loaded.push(await run(['--import', RSS_AT_EXIT, bridgeScript]));
  }
  return {
    nodeAloneMs: median(alone.map((r) => r.ms)),
    bundleLoadedMs: median(loaded.map((r) => r.ms)),
    nodeAloneRssMiB: median(alone.map((r) => r.rssMiB)),
    bundleLoadedRssMiB: median(loaded.map((r) => r.rssMiB)),
  };
}

async function run(args: string[]): Promise<{ ms: number; rssMiB: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await withTimeout(
    new Promise((resolve) => child.once('close', resolve)),
    10_000,
    'a node process to exit',
  ).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  const ms = performance.now() - started;
  const rss = /rss=(\d+)/.exec(stderr)?.[1];
  return { ms, rssMiB: rss ? Number(rss) / 2 ** 20 : Number.NaN };
}
