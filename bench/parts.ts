import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { bridgeKeychain } from '../src/core/bridge/startup/keychain';
import { createTokenStore } from '../src/core/credentials/tokenStore';
import { KEYCHAIN_SERVICE } from '../src/shared/server';
import { mcpClientEnv } from '../support/companion';
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
  /**
   * Node plus one keychain read as the bridge does it: on Linux its own Secret Service client
   * over the session bus's socket, elsewhere keytar.
   */
  nodeWithKeychainRead: ProcessCost;
  /** Node plus keytar loaded and one keychain read (on Linux, libsecret over D-Bus). */
  nodeWithKeytarRead: ProcessCost;
  /**
   * The bridge's read, plus one request to the MCP URL with node:http: the least any bridge does before its
   * first answer, whatever it is written in. The floor under the bridge's ready figure.
   */
  floor: ProcessCost;
  /** One keychain read of the connection's tokens, as the bridge does it (p50). */
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
  // The bridge's choice of keychain, bundled as the bridge bundles it (Node's modules required).
  const dir = await mkdtemp(path.join(os.tmpdir(), 'splattr-bench-keychain-'));
  const bundle = path.join(dir, 'keychain.cjs');
  await build({
    entryPoints: ['src/core/bridge/startup/keychain.ts'],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node24',
    minify: true,
    logLevel: 'warning',
  });
  const read = (keychain: string) =>
    `const k = ${keychain}; await k.getPassword(${JSON.stringify(KEYCHAIN_SERVICE)}, 'splattr-bench-absent');`;
  const keytar = `(await import('keytar')).default`;
  const bridgeRead = read(
    `(await import(${JSON.stringify(pathToFileURL(bundle).href)})).bridgeKeychain() ?? ${keytar}`,
  );
  const runs = {
    nodeAlone: ['--input-type=module', '-e', '0'],
    bundleLoaded: [input.bridgeScript],
    nodeWithKeychainRead: ['--input-type=module', '-e', bridgeRead],
    nodeWithKeytarRead: ['--input-type=module', '-e', read(keytar)],
    floor: [
      '--input-type=module',
      '-e',
      `${bridgeRead} const http = process.getBuiltinModule('node:http'); ` +
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
  await rm(dir, { recursive: true, force: true });

  const store = createTokenStore({ keychain: bridgeKeychain() });
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
  // The bare environment a client gives the bridge, with the session bus as the bench's bridge
  // gets it: this shell's (NODE_EXTRA_CA_CERTS, say) would add its own start-up cost to the
  // figures, and without the bus the keychain reads would fail before reaching a keyring.
  const child = spawn(process.execPath, ['--import', REPORT_AT_EXIT, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: mcpClientEnv(os.homedir()),
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
