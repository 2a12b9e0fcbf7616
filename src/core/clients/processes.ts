import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const LIST_TIMEOUT_MS = 10_000;

export interface RunningProcess {
  pid: number;
  /** The executable's file name, e.g. `Claude` (macOS), `claude-desktop` (Linux), `claude.exe`. */
  name: string;
}

let listing: Promise<RunningProcess[]> | undefined;

/**
 * This machine's processes, from `ps` or `tasklist` run without a shell, so no name or path
 * ever reaches a command line as text. Calls made while one listing runs share it: the app
 * asks about every client at once, and one `ps` answers them all.
 */
export function listProcesses(): Promise<RunningProcess[]> {
  listing ??= readProcesses().finally(() => {
    listing = undefined;
  });
  return listing;
}

async function readProcesses(): Promise<RunningProcess[]> {
  if (process.platform === 'win32') {
    const { stdout } = await run('tasklist', ['/FO', 'CSV', '/NH'], {
      windowsHide: true,
      timeout: LIST_TIMEOUT_MS,
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout.split(/\r?\n/).flatMap((line) => {
      const match = /^"([^"]+)","(\d+)"/.exec(line);
      return match ? [{ name: match[1] ?? '', pid: Number(match[2]) }] : [];
    });
  }
  // macOS prints the whole executable path as `comm`; Linux the (15-character) process name.
  const { stdout } = await run('ps', ['-A', '-o', 'pid=,comm='], {
    timeout: LIST_TIMEOUT_MS,
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout.split('\n').flatMap((line) => {
    const match = /^\s*(\d+)\s+(.+?)\s*$/.exec(line);
    return match ? [{ pid: Number(match[1]), name: path.posix.basename(match[2] ?? '') }] : [];
  });
}

/** Processes whose executable is one of `names` (case-insensitively on Windows, as its files are). */
export async function findProcesses(names: readonly string[]): Promise<RunningProcess[]> {
  if (names.length === 0) return [];
  const fold = (n: string) => (process.platform === 'win32' ? n.toLowerCase() : n);
  const wanted = new Set(names.map(fold));
  return (await listProcesses()).filter((p) => wanted.has(fold(p.name)));
}

/** Polls until none of `names` runs; bounded, answers whether they all exited. */
export async function waitForExit(names: readonly string[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await findProcesses(names)).length === 0) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Starts a program that outlives this process; resolves once it started, rejects if it cannot. */
export function launchDetached(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { detached: true, stdio: 'ignore', env });
    child.once('error', reject);
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}

/** Runs a short command without a shell, for quitting or opening an app. */
export async function runCommand(command: string, args: readonly string[]): Promise<void> {
  await run(command, args, { timeout: LIST_TIMEOUT_MS, windowsHide: true });
}
