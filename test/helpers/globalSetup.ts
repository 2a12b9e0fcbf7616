import { execFileSync } from 'node:child_process';

/**
 * Tests use what a person runs: the bundled bridge and CLI (launched exactly as a client config
 * or a terminal would) and the built UI (served to Chromium), so both are built first. The crash
 * tests also get the build with failpoints, which ships nowhere.
 */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build-bridge.mjs'], { stdio: 'inherit' });
  execFileSync(process.execPath, ['scripts/build-bridge.mjs', '--failpoints'], {
    stdio: 'inherit',
  });
  execFileSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
