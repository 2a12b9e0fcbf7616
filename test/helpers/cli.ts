import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { createTokenStore } from '../../src/core/credentials/tokenStore';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox';
import { completeSignIn, launchBrowser } from './browser';
import { DEMO, FAILPOINT_BUILD } from '../../support/companion';
import { createTestHome, type TestHome } from '../../support/testHome';

export const CLI_SCRIPT = path.resolve('out/cli/cli.mjs');
export const FAILPOINT_CLI_SCRIPT = path.join(FAILPOINT_BUILD, 'cli', 'cli.mjs');

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
export function runCli(args: string[], env: NodeJS.ProcessEnv, script = CLI_SCRIPT): CliRun {
  const child = spawn(process.execPath, [script, ...args], {
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
export async function addCursorThroughCli(
  browser: Browser,
  env: NodeJS.ProcessEnv,
  script = CLI_SCRIPT,
) {
  const add = runCli(['add', 'cursor', '--no-open'], env, script);
  const url = await add.waitForLine(/^http:\/\/127\.0\.0\.1:\d+\/.*[?&]code_challenge=/);
  await completeSignIn(browser, url, { ...DEMO, consent: 'allow' });
  return add.done;
}

export interface CliHome extends TestHome {
  sandbox: Sandbox;
  /** Chromium, where the person completes the links the CLI prints. */
  browser: Browser;
  /** Connections the tests made: their keychain entries are deleted after the tests. */
  seen: Set<string>;
}

/**
 * For a file's CLI tests: a sandbox, Chromium and a temporary HOME (`prefix` names its folder),
 * made before the tests and removed after them. Returns a getter, as `withSandbox` does.
 */
export function withCliHome(
  prefix: string,
  extraEnv: Record<string, string> = {},
  sandboxOptions: SandboxOptions = {},
): () => CliHome {
  let cli: CliHome | undefined;
  const seen = new Set<string>();
  beforeAll(async () => {
    const [sandbox, browser] = await Promise.all([startSandbox(sandboxOptions), launchBrowser()]);
    const home = await createTestHome(sandbox, prefix);
    cli = { ...home, env: { ...home.env, ...extraEnv }, sandbox, browser, seen };
  });
  afterAll(async () => {
    const keychain = createTokenStore();
    for (const id of seen) await keychain.delete(id).catch(() => undefined);
    await Promise.all([cli?.browser.close(), cli?.sandbox.close()]);
    await cli?.dispose();
  });
  return () => {
    if (!cli) throw new Error('The CLI home is not made yet: use it inside a test or hook.');
    return cli;
  };
}
