/**
 * Crash-consistency tests kill the process at a named step of add, remove or a token refresh
 * (SPLATTR_FAILPOINT=<name>), exactly as a power cut or `kill -9` would, so the next start's
 * recovery is tested against real half-done state. Unset, this does nothing.
 */
export function failpoint(name: string, env: NodeJS.ProcessEnv = process.env): void {
  if (env.SPLATTR_FAILPOINT === name) process.kill(process.pid, 'SIGKILL');
}
