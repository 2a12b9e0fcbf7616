/**
 * Crash-consistency tests kill the process at a named step of add, remove or a token refresh
 * (SPLATTR_FAILPOINT=<name>), exactly as a power cut or `kill -9` would, so the next start's
 * recovery is tested against real half-done state.
 *
 * Only the test build has them (scripts/build-bridge.mjs --failpoints): everywhere else the build
 * defines this constant false and the check below is compiled away, so in a packaged app no
 * environment variable can make the app, the CLI or the bridge kill itself. Unbundled (tsx,
 * vitest) it is undefined: off too.
 */
declare const __SPLATTR_FAILPOINTS__: boolean | undefined;

export function failpoint(name: string, env: NodeJS.ProcessEnv = process.env): void {
  if (typeof __SPLATTR_FAILPOINTS__ === 'undefined' || !__SPLATTR_FAILPOINTS__) return;
  if (env.SPLATTR_FAILPOINT === name) process.kill(process.pid, 'SIGKILL');
}
