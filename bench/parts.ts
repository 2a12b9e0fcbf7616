import { getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { spawn } from 'node:child_process';
import { createTokenStore } from '../src/core/credentials/tokenStore';
import { KEYCHAIN_SERVICE } from '../src/shared/server';
import { measureProcessHop } from './processHop';
import { median, percentile } from './stats';
import { withTimeout } from './timeouts';

export interface ProcessCost {
  /** CPU time (user + system, all threads) from start to exit. */
  cpuMs: number;
  rssMiB: number;
}

/** What the bridge's start-up and calls are made of, each measured on its own. */
export interface BridgeParts {
  /** `node --input-type=module -e 0`: the base the others are compared with. */
  nodeAlone: ProcessCost;
  /** The bridge bundle run without arguments: loaded and evaluated, then the usage error. */
  bundleLoaded: ProcessCost;
  /** Node plus keytar loaded and one keychain read (libsecret over D-Bus). */
  nodeWithKeychainRead: ProcessCost;
  /**
   * That, plus one request to the MCP URL with node:http: the least any bridge does before its
   * first answer, whatever it is written in. The floor under the bridge's ready figure.
   */
  floor: ProcessCost;
  /** One keychain read of the connection's tokens, as the bridge does before each call (p50). */
  keychainReadMs: number;
  /** Round trip through one more Node process's stdin and stdout (p50): see processHop.ts. */
  processHopMs: number;
}

// Reports the process's CPU time and resident memory as it exits, however it exits.
const REPORT_AT_EXIT =
  'data:text/javascript,process.on("exit",()=>{const u=process.cpuUsage();' +
  'process.stderr.write(`\\ncost=${(u.user+u.system)/1000},${process.memoryUsage.rss()}\\n`)})';

export async function measureBridgeParts(input: {
  bridgeScript: string;
  connectionId: string;
  mcpUrl: string;
  samples: number;
}): Promise<BridgeParts> {
  const keychainRead = `const k = (await import('keytar')).default; await k.getPassword(${JSON.stringify(KEYCHAIN_SERVICE)}, 'splattr-bench-absent');`;
  const runs = {
    nodeAlone: ['--input-type=module', '-e', '0'],
    bundleLoaded: [input.bridgeScript],
    nodeWithKeychainRead: ['--input-type=module', '-e', keychainRead],
    floor: [
      '--input-type=module',
      '-e',
      `${keychainRead} const http = process.getBuiltinModule('node:http'); ` +
        `await new Promise((done, failed) => http.request(${JSON.stringify(input.mcpUrl)}, ` +
        `{ method: 'POST', headers: { 'content-type': 'application/json' } }, ` +
        `(answer) => answer.resume().on('end', done)).on('error', failed).end('{}'));`,
    ],
  };
  const costs = {} as Record<keyof typeof runs, ProcessCost>;
  for (const [name, args] of Object.entries(runs) as Array<[keyof typeof runs, string[]]>) {
    const samples: ProcessCost[] = [];
    for (let i = 0; i < input.samples; i++) samples.push(await cost(args));
    costs[name] = {
      cpuMs: median(samples.map((s) => s.cpuMs)),
      rssMiB: median(samples.map((s) => s.rssMiB)),
    };
  }

  const store = createTokenStore();
  const reads: number[] = [];
  for (let i = 0; i < 220; i++) {
    const started = performance.now();
    await store.get(input.connectionId);
    if (i >= 20) reads.push(performance.now() - started);
  }

  return {
    ...costs,
    keychainReadMs: percentile(reads, 50),
    processHopMs: await measureProcessHop(1000, 100),
  };
}

async function cost(args: string[]): Promise<ProcessCost> {
  // The bare environment a client gives the bridge: this shell's (NODE_EXTRA_CA_CERTS, say)
  // would add its own start-up cost to the figures.
  const child = spawn(process.execPath, ['--import', REPORT_AT_EXIT, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: getDefaultEnvironment(),
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await withTimeout(
    new Promise((resolve) => child.once('close', resolve)),
    15_000,
    'a node process to exit',
  ).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  const [cpu, rss] = /cost=([\d.]+),(\d+)/.exec(stderr)?.slice(1) ?? [];
  return { cpuMs: Number(cpu ?? Number.NaN), rssMiB: Number(rss ?? Number.NaN) / 2 ** 20 };
}
