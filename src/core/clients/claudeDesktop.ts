import { CompanionError } from '../../shared/errors';
import { appDataFolder, localAppData } from '../paths';
import { onPath, resolveContext, type ClientContext, type ResolvedContext } from './context';
import { defineClient } from './defineClient';
import { findProcesses, launchDetached, runCommand, waitForExit } from './processes';

const CONFIG_FILE = 'claude_desktop_config.json';
/** The Microsoft Store (MSIX) package of Claude Desktop; its files live in a virtualised folder. */
const STORE_PACKAGE = 'Claude_pzs8sxrjxfjjc';
const QUIT_TIMEOUT_MS = 15_000;

const PROCESS_NAMES = {
  // Exactly `Claude`: its helpers are `Claude Helper …`, and Claude Code's CLI is `claude`.
  darwin: ['Claude'],
  win32: ['claude.exe'],
  // No official Linux build; the community packages install `claude-desktop`.
  linux: ['claude-desktop'],
} as const;

function storePackageDir(c: ResolvedContext): string {
  return c.path.join(localAppData(c), 'Packages', STORE_PACKAGE);
}

function configPath(c: ResolvedContext): string {
  // The Store install redirects %APPDATA% writes into its package folder, where it reads them.
  if (c.platform === 'win32' && c.exists(storePackageDir(c))) {
    return c.path.join(storePackageDir(c), 'LocalCache', 'Roaming', 'Claude', CONFIG_FILE);
  }
  return c.path.join(appDataFolder(c), 'Claude', CONFIG_FILE);
}

function appLocations(c: ResolvedContext): string[] {
  switch (c.platform) {
    case 'darwin':
      return ['/Applications/Claude.app', c.path.join(c.home, 'Applications', 'Claude.app')];
    case 'win32':
      return [c.path.join(localAppData(c), 'AnthropicClaude', 'claude.exe'), storePackageDir(c)];
    default:
      return onPath(c, 'claude-desktop');
  }
}

/**
 * Quits Claude Desktop politely and opens it again, so it reads its config. Best effort, per OS:
 * macOS asks the app to quit (AppleScript) and reopens it with `open -a`; Windows closes its
 * windows (`taskkill` without /F) and starts the Store app or the classic install's launcher;
 * Linux sends SIGTERM to the `claude-desktop` processes and starts `claude-desktop` from PATH.
 * When it is not running it is only opened. Throws when it does not quit in time, rather than
 * killing it and losing the person's work. `ctx` is the environment it is opened with.
 */
async function restart(ctx?: ClientContext): Promise<void> {
  const names = PROCESS_NAMES[process.platform as keyof typeof PROCESS_NAMES] ?? [];
  const running = await findProcesses(names);
  if (running.length > 0) {
    await quit(running.map((p) => p.pid));
    if (!(await waitForExit(names, QUIT_TIMEOUT_MS))) {
      throw new CompanionError(
        'internal',
        'Claude Desktop did not quit, so it was not restarted. Quit it yourself, then open it again.',
      );
    }
  }
  await open(resolveContext(ctx)).catch((error: unknown) => {
    throw new CompanionError(
      'internal',
      'Claude Desktop was closed but could not be opened again. Open it yourself to load Splattr.',
      { cause: error },
    );
  });
}

function open(c: ResolvedContext): Promise<void> {
  switch (process.platform) {
    case 'darwin':
      return runCommand('open', ['-a', 'Claude']);
    case 'win32':
      return c.exists(storePackageDir(c))
        ? launchDetached('explorer.exe', [`shell:AppsFolder\\${STORE_PACKAGE}!Claude`], c.env)
        : launchDetached(c.path.join(localAppData(c), 'AnthropicClaude', 'claude.exe'), [], c.env);
    default:
      return launchDetached('claude-desktop', [], c.env);
  }
}

/** Asks the app to quit the way its OS does, so it can save its state first. */
async function quit(pids: number[]): Promise<void> {
  switch (process.platform) {
    case 'darwin':
      return runCommand('osascript', ['-e', 'quit app "Claude"']);
    case 'win32':
      return runCommand(
        'taskkill',
        pids.flatMap((pid) => ['/PID', String(pid)]),
      );
    default:
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // It exited on its own meanwhile: that is what we wanted.
        }
      }
  }
}

export const claudeDesktop = defineClient({
  id: 'claude-desktop',
  needsRestartAfterChange: true,
  configPath,
  appLocations,
  processNames: PROCESS_NAMES,
  restart,
});
