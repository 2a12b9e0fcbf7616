// A separate process editing the same config file as the test: proves the cross-process lock.
// Usage: editEntries.ts <file> <prefix> <count> <add|remove>. Waits for "go" on stdin first,
// so every process edits at the same moment.
import readline from 'node:readline';
import { editConfigEntry } from '../../../src/core/clients/configFile';

const [file, prefix, count, action] = process.argv.slice(2);
if (!file || !prefix || !count || (action !== 'add' && action !== 'remove')) {
  throw new Error('usage: editEntries.ts <file> <prefix> <count> <add|remove>');
}
const lines = readline.createInterface({ input: process.stdin });
process.stdout.write('ready\n');
for await (const line of lines) if (line === 'go') break;
lines.close();
await Promise.all(
  Array.from({ length: Number(count) }, (_, i) =>
    editConfigEntry(
      file,
      () => (action === 'add' ? { command: `/bin/${prefix}-${i}`, args: [] } : undefined),
      `${prefix}-${i}`,
    ),
  ),
);
