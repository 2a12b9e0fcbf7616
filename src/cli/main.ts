import { existsSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline/promises';
import { fileURLToPath } from 'node:url';
import { BRIDGE_SCRIPT_NAME } from '../core/bridgeEntry';
import { createLogger } from '../core/log';
import { openSystemBrowser } from '../core/oauth/openBrowser';
import { dataDir } from '../core/paths';
import { createCompanionService } from '../core/service';
import { CompanionError } from '../shared/errors';
import { runCli } from './run';

/** The built bridge: beside this file once bundled (out/cli → out/bridge), or in out/ from source. */
function bridgeScript(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [
    path.join(here, '..', 'bridge', BRIDGE_SCRIPT_NAME),
    path.join(here, '..', '..', 'out', 'bridge', BRIDGE_SCRIPT_NAME),
  ];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) {
    throw new CompanionError(
      'internal',
      'The Splattr bridge is not built yet. Run `npm run build:bridge` first.',
    );
  }
  return found;
}

const code = await runCli(process.argv.slice(2), {
  io: {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    async confirm(question) {
      if (!process.stdin.isTTY) return false;
      const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
      const answer = await rl.question(`${question} [y/N] `);
      rl.close();
      return /^y(es)?$/i.test(answer.trim());
    },
  },
  createService: ({ open }) =>
    createCompanionService({
      launcher: { command: process.execPath, scriptPath: bridgeScript() },
      openBrowser: open ? (url) => openSystemBrowser(url) : async () => undefined,
    }),
  onInterrupt(handler) {
    process.once('SIGINT', handler);
  },
  logUnexpected(error) {
    const details = error instanceof Error ? (error.stack ?? error.message) : String(error);
    createLogger(dataDir(), 'cli').error('unexpected failure', { details });
  },
});
process.exit(code);
