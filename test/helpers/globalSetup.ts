import { execFileSync } from 'node:child_process';

/** Tests launch the bridge exactly as a client config would, so it must be built first. */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build-bridge.mjs'], { stdio: 'inherit' });
}
