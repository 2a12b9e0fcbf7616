// The cost of trusting the system's certificates (src/core/net/trust.ts), which a bridge pays
// once, on its first https request: each sample is a fresh process that makes one request to a
// local TLS server whose certificate a test CA signed (named in NODE_EXTRA_CA_CERTS), through
// Node's default https agent or through the bridge's transports. `npx tsx bench/netTrust.ts`;
// results by hand in bench/netTrust.md.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestCa } from '../support/testCa';

const SAMPLES = 15;
const probe = fileURLToPath(new URL('./netTrustProbe.ts', import.meta.url));

const dir = await mkdtemp(path.join(os.tmpdir(), 'splattr-bench-ca-'));
try {
  const ca = await createTestCa(dir);
  const serverFile = path.join(dir, 'server.json');
  await writeFile(serverFile, JSON.stringify(ca.server));
  const results: Record<string, Array<{ ms: number; cpuMs: number }>> = { node: [], companion: [] };
  for (let i = 0; i < SAMPLES; i++) {
    for (const variant of Object.keys(results)) {
      const child = spawnSync(process.execPath, ['--import', 'tsx', probe, variant, serverFile], {
        env: { ...process.env, NODE_EXTRA_CA_CERTS: ca.certFile },
        encoding: 'utf8',
      });
      if (child.status !== 0) throw new Error(`probe failed: ${child.stderr}`);
      results[variant]!.push(JSON.parse(child.stdout) as { ms: number; cpuMs: number });
    }
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  console.log(
    `node ${process.version}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  for (const [variant, samples] of Object.entries(results)) {
    console.log(
      `${variant}: first https request median ${median(samples.map((s) => s.ms))?.toFixed(1)} ms, CPU ${median(samples.map((s) => s.cpuMs))?.toFixed(1)} ms`,
    );
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
