import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConnectionSchema } from '../../../src/shared/connection';
import { addCursorThroughCli, runCli, withCliHome } from '../../helpers/cli';
import { DEMO } from '../../../support/companion';

describe('the splattr-companion CLI', () => {
  const cli = withCliHome('splattr-cli-', { BROWSER: '/bin/false' });
  const cursorConfig = () => path.join(cli().home, '.cursor', 'mcp.json');

  it('answers usage errors with exit code 2 and the usage text', async () => {
    const { env } = cli();
    for (const args of [[], ['frobnicate'], ['add'], ['add', 'notepad'], ['list', '--bogus']]) {
      const { code, stderr } = await runCli(args, env).done;
      expect(code, args.join(' ')).toBe(2);
      expect(stderr).toContain('Usage: splattr-companion');
    }
  });

  it('adds with --no-open, lists as JSON, reports status, tests, and removes', async () => {
    const { sandbox, browser, env } = cli();
    const added = await addCursorThroughCli(browser, env);
    expect(added.stderr).toBe('');
    expect(added.stdout).toContain('Open this link in a browser to sign in to Splattr:');
    expect(added.stdout).toContain('Connected Cursor as demo@splattr.test · Acme.');
    expect(added.code).toBe(0);

    const listed = await runCli(['list', '--json'], env).done;
    expect(listed.code).toBe(0);
    const connections = z.array(ConnectionSchema).parse(JSON.parse(listed.stdout));
    expect(connections).toEqual([
      expect.objectContaining({
        client: 'cursor',
        status: 'connected',
        serverUrl: sandbox.mcpUrl,
        account: expect.objectContaining({ email: DEMO.email, organization: 'Acme' }),
      }),
    ]);
    const id = connections[0]!.id;

    const status = await runCli(['status'], env).done;
    expect(status.stdout).toContain('Cursor: Connected (demo@splattr.test · Acme)');
    expect(status.stdout).toContain('Everything is connected.');

    const tested = await runCli(['test', 'cursor'], env).done;
    expect(tested.stdout).toMatch(/Splattr answered with \d+ tools in \d+ ms\./);
    expect(tested.code).toBe(0);

    // Without a terminal to ask, removal needs --yes and changes nothing.
    const refused = await runCli(['remove', id], env).done;
    expect(refused.code).toBe(2);
    expect(await readFile(cursorConfig(), 'utf8')).toContain('"splattr"');

    const removed = await runCli(['remove', id, '--yes'], env).done;
    expect(removed.code).toBe(0);
    expect(await readFile(cursorConfig(), 'utf8')).not.toContain('"splattr"');
    expect(JSON.parse((await runCli(['list', '--json'], env).done).stdout)).toEqual([]);
  });

  it('refuses a config file that does not parse before any sign-in, and leaves it as it was', async () => {
    const { env } = cli();
    const broken = '{ "mcpServers": { "other": { "command": "x" } ';
    await mkdir(path.dirname(cursorConfig()), { recursive: true });
    await writeFile(cursorConfig(), broken);
    const { code, stdout, stderr } = await runCli(['add', 'cursor', '--no-open'], env).done;
    expect(code).toBe(1);
    expect(stdout).not.toContain('sign in');
    expect(stderr).toContain(cursorConfig());
    expect(stderr).toMatch(/line \d+, column \d+/);
    expect(await readFile(cursorConfig(), 'utf8')).toBe(broken);
  });

  it('says when a connection does not exist', async () => {
    const { env } = cli();
    const { code, stderr } = await runCli(['reconnect', 'cursor-00000000'], env).done;
    expect(code).toBe(1);
    expect(stderr.trim()).toBe('That connection no longer exists. Refresh the list.');
  });
});
