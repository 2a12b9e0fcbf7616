import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import type { Browser } from 'playwright-core';
import { completeSignIn } from './browser';
import { DEMO } from './companion';

export const CLI_SCRIPT = path.resolve('out/cli/cli.mjs');

export interface CliRun {
  child: ChildProcess;
  /** Resolves with the first stdout line that matches. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code and everything printed. */
  done: Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>;
}

/** Runs the built CLI as a person would in a terminal (without a TTY). */
export function runCli(args: string[], env: NodeJS.ProcessEnv): CliRun {
  const child = spawn(process.execPath, [CLI_SCRIPT, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ pattern: RegExp; resolve: (line: string) => void }> = [];
  readline.createInterface({ input: child.stdout! }).on('line', (line) => {
    stdout += `${line}\n`;
    for (const waiter of waiters.filter((w) => w.pattern.test(line))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<Awaited<CliRun['done']>>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return {
    child,
    done,
    waitForLine(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`No line matching ${pattern} within ${timeoutMs} ms:\n${stdout}${stderr}`),
            ),
          timeoutMs,
        );
        waiters.push({
          pattern,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
        void done.then(() => {
          clearTimeout(timer);
          reject(new Error(`The CLI exited before printing ${pattern}:\n${stdout}${stderr}`));
        });
      });
    },
  };
}

/**
 * `add cursor --no-open`, its printed link (a loopback redirect with a PKCE challenge) completed
 * in Chromium by the demo person, who allows access. Resolves with how the CLI ended.
 */
export async function addCursorThroughCli(browser: Browser, env: NodeJS.ProcessEnv) {
  const add = runCli(['add', 'cursor', '--no-open'], env);
  const url = await add.waitForLine(/^http:\/\/127\.0\.0\.1:\d+\/.*[?&]code_challenge=/);
  await completeSignIn(browser, url, { ...DEMO, consent: 'allow' });
  return add.done;
}
