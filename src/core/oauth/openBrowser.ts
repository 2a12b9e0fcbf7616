import { spawn } from 'node:child_process';
import { CompanionError } from '../../shared/errors';

/** The command that opens a URL, as program and arguments: nothing goes through a shell. */
export function browserCommand(
  url: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): [string, string[]] {
  // $BROWSER as Python's webbrowser reads it: a list of commands, the first one used; `%s`
  // marks where the URL goes, else it comes last.
  const configured = env.BROWSER?.split(platform === 'win32' ? ';' : ':')[0]?.trim();
  if (configured) {
    const [program, ...args] = configured.split(/\s+/) as [string, ...string[]];
    return args.includes('%s')
      ? [program, args.map((arg) => (arg === '%s' ? url : arg))]
      : [program, [...args, url]];
  }
  switch (platform) {
    case 'darwin':
      return ['open', [url]];
    case 'win32':
      // Not `start`: it is a cmd.exe built-in, and cmd would split the URL at every `&`.
      return ['rundll32.exe', ['url.dll,FileProtocolHandler', url]];
    default:
      return ['xdg-open', [url]];
  }
}

/** The CLI's opener: starts the browser detached and resolves once it has been launched. */
export function openSystemBrowser(
  url: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const [program, args] = browserCommand(url, env);
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { detached: true, stdio: 'ignore', shell: false });
    child.once('error', () =>
      reject(
        new CompanionError(
          'sign_in_failed',
          'No web browser could be opened. Copy the sign-in link into a browser instead.',
        ),
      ),
    );
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}
