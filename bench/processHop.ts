import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { percentile } from './stats';
import { withTimeout } from './timeouts';

// A child that answers each line at once: the least any process in the path can add.
const ECHO = "process.stdin.on('data', (d) => process.stdout.write(d));";
const LINE = `${JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: { name: 'whoami', arguments: {} },
})}\n`;

/**
 * Round trips of a tools/call-sized line through a Node child's stdin and stdout: the floor of
 * what one more process in the path costs on this machine at this moment (two pipe crossings,
 * two wake-ups), however little it does.
 */
export async function measureProcessHop(calls: number, warmup: number): Promise<number> {
  const child = spawn(process.execPath, ['-e', ECHO], { stdio: ['pipe', 'pipe', 'ignore'] });
  try {
    const samples: number[] = [];
    for (let i = 0; i < warmup + calls; i++) {
      const started = performance.now();
      const answered = once(child.stdout, 'data');
      child.stdin.write(LINE);
      await withTimeout(answered, 10_000, 'the echo process');
      if (i >= warmup) samples.push(performance.now() - started);
    }
    return percentile(samples, 50);
  } finally {
    child.kill();
  }
}
