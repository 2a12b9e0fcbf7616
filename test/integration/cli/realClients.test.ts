import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildBridgeEntry } from '../../../src/core/bridgeEntry';
import { getClient } from '../../../src/core/clients';
import { completeSignIn } from '../../helpers/browser';
import { runCli, withCliHome } from '../../helpers/cli';
import { DEMO } from '../../../support/companion';
import { BRIDGE_NODE_FLAGS } from '../../../src/core/bridgeNodeFlags';

/** How the clients print the Node options before our script (plain words, no regex specials). */
const FLAGS = BRIDGE_NODE_FLAGS.join(' ');

/*
 * Splattr added through the CLI to the real Claude Code, Codex CLI and Gemini CLI (installed
 * from npm as devDependencies; none needs an account for this), then asked each client what it
 * sees. Claude Code and Gemini CLI start our bridge to check it, with the environment they
 * were started with: it reaches the test keyring through DBUS_SESSION_BUS_ADDRESS.
 */

const run = promisify(execFile);
const BIN = path.resolve('node_modules/.bin');

describe('the real AI clients', () => {
  const cli = withCliHome('splattr-real-', {
    BROWSER: '/bin/false',
    // Where a person's `claude` would be: our Claude Code module finds it and uses its CLI.
    PATH: `${BIN}${path.delimiter}${process.env.PATH ?? ''}`,
  });

  /** Runs a client's own command in the test HOME (its current folder too), as a person would. */
  async function client(command: string, args: string[]): Promise<string> {
    const { home, env } = cli();
    const { stdout, stderr } = await run(path.join(BIN, command), args, {
      cwd: home,
      env,
      timeout: 120_000,
    });
    return `${stdout}${stderr}`;
  }

  async function add(id: string): Promise<string> {
    const { browser, env } = cli();
    const adding = runCli(['add', id, '--no-open'], env);
    const url = await adding.waitForLine(/^http:\/\/127\.0\.0\.1:\d+\/.*[?&]code_challenge=/);
    await completeSignIn(browser, url, { ...DEMO, consent: 'allow' });
    const { code, stdout, stderr } = await adding.done;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const listed = await runCli(['list', '--json'], env).done;
    const connection = (JSON.parse(listed.stdout) as { id: string; client: string }[]).find(
      (c) => c.client === id,
    );
    cli().seen.add(connection!.id);
    expect(stdout).toContain('Connected');
    return connection!.id;
  }

  async function remove(id: string): Promise<void> {
    const { code, stderr } = await runCli(['remove', id, '--yes'], cli().env).done;
    expect(stderr).toBe('');
    expect(code).toBe(0);
  }

  it('lists the installed clients first: the three found on PATH', async () => {
    const { code, stdout } = await runCli(['clients'], cli().env).done;
    expect(code).toBe(0);
    const rows = stdout.trim().split('\n').slice(1);
    expect(rows).toHaveLength(10);
    const installed = rows.map((row) => /^\S+\s+.+?\s+(yes|no)\s/.exec(row)?.[1] === 'yes');
    const ids = rows.map((row) => row.split(/\s+/)[0]);
    // The three real CLIs are on the test's PATH (another app may be on this machine's too).
    for (const id of ['claude-code', 'codex', 'gemini-cli']) {
      expect(installed[ids.indexOf(id)], id).toBe(true);
    }
    // Those found come first.
    expect(installed).toEqual([...installed].sort((a, b) => Number(b) - Number(a)));
  });

  it('Claude Code: added with its own CLI, its health check connects to our bridge', async () => {
    const { home } = cli();
    await client('claude', [
      'mcp',
      'add-json',
      '-s',
      'user',
      'other',
      JSON.stringify({ type: 'stdio', command: '/bin/true', args: ['other'] }),
    ]);

    const id = await add('claude-code');

    const entry = (
      JSON.parse(await readFile(path.join(home, '.claude.json'), 'utf8')) as {
        mcpServers: Record<string, { type: string; args: string[] }>;
      }
    ).mcpServers;
    expect(entry.splattr).toMatchObject({ type: 'stdio', args: expect.arrayContaining([id]) });
    const listed = await client('claude', ['mcp', 'list']);
    expect(listed).toMatch(/^splattr: .*bridge\.mjs --connection \S+ - ✔ Connected$/m);
    expect(listed).toMatch(/^other: \/bin\/true other - /m);

    await remove(id);

    const after = await client('claude', ['mcp', 'list']);
    expect(after).not.toContain('splattr');
    expect(after).toMatch(/^other: \/bin\/true other - /m);
  });

  it('Codex CLI: codex mcp list and get show the table we wrote, and only it leaves', async () => {
    const { home } = cli();
    const config = path.join(home, '.codex', 'config.toml');
    const mine = '# my servers\n[mcp_servers.other]\ncommand = "/bin/true"\nargs = ["other"]\n';
    await mkdir(path.dirname(config), { recursive: true });
    await writeFile(config, mine);

    const id = await add('codex');

    expect(await client('codex', ['mcp', 'list'])).toMatch(
      new RegExp(`^splattr +\\S+ +${FLAGS} \\S*bridge\\.mjs --connection ${id} .*enabled`, 'm'),
    );
    const got = await client('codex', ['mcp', 'get', 'splattr']);
    expect(got).toContain('transport: stdio');
    expect(got).toMatch(new RegExp(`args: ${FLAGS} \\S*bridge\\.mjs --connection ${id}$`, 'm'));

    await remove(id);

    const after = await client('codex', ['mcp', 'list']);
    expect(after).not.toMatch(/^splattr /m);
    expect(after).toMatch(/^other +\/bin\/true +other /m);
    expect(await readFile(config, 'utf8')).toBe(mine);
  });

  it('Gemini CLI: gemini mcp list starts our bridge and shows it connected', async () => {
    const { home } = cli();
    const settings = path.join(home, '.gemini', 'settings.json');
    await mkdir(path.dirname(settings), { recursive: true });
    const mine = `${JSON.stringify({ mcpServers: { other: { command: '/bin/true', args: ['other'] } } }, null, 2)}\n`;
    await writeFile(settings, mine);
    // Gemini CLI uses user-level servers only in folders the person trusts.
    await writeFile(
      path.join(home, '.gemini', 'trustedFolders.json'),
      JSON.stringify({ [home]: 'TRUST_FOLDER' }),
    );

    const id = await add('gemini-cli');

    const listed = await client('gemini', ['mcp', 'list']);
    expect(listed).toMatch(
      new RegExp(
        `✓ splattr: \\S+ ${FLAGS} \\S*bridge\\.mjs --connection ${id} \\(stdio\\) - Connected`,
      ),
    );
    expect(listed).toMatch(/other: \/bin\/true other/);

    await remove(id);

    const after = await client('gemini', ['mcp', 'list']);
    expect(after).not.toContain('splattr');
    expect(after).toMatch(/other: \/bin\/true other/);
    expect(await readFile(settings, 'utf8')).toBe(mine);
  });

  it('refuses a foreign splattr server in a real client’s config, naming the file and --replace', async () => {
    const { env, home } = cli();
    await client('codex', ['mcp', 'add', 'splattr', '--', '/bin/true', 'someone-elses']);
    const config = path.join(home, '.codex', 'config.toml');
    const before = await readFile(config);

    const { code, stdout, stderr } = await runCli(['add', 'codex', '--no-open'], env).done;

    expect(code).toBe(1);
    expect(stdout).not.toContain('sign in');
    expect(stderr).toContain(config);
    expect(stderr).toContain('splattr-companion add codex --replace');
    expect(await readFile(config)).toEqual(before);
  });
});

describe('the real Codex CLI on the TOML corpus', () => {
  const FIXTURES = path.resolve('test/fixtures/configs-toml');
  const entry = buildBridgeEntry(
    { command: process.execPath, scriptPath: '/opt/splattr/bridge.mjs' },
    'codex-corpus',
  );

  it('reads every config we edited, finds our server, and not once it is removed', async () => {
    const files = (await readdir(FIXTURES)).filter((f) => !f.startsWith('invalid-'));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const home = await mkdtemp(path.join(os.tmpdir(), 'splattr-codex-'));
      try {
        const ctx = { env: { ...process.env, HOME: home }, platform: 'linux' as const };
        const codex = getClient('codex');
        await mkdir(path.join(home, '.codex'));
        await copyFile(path.join(FIXTURES, file), codex.configPath(ctx));
        const ask = async (...args: string[]) => {
          const { stdout } = await run(path.join(BIN, 'codex'), ['mcp', ...args], {
            cwd: home,
            env: ctx.env,
          });
          return stdout;
        };

        await codex.addEntry(entry, {}, ctx);
        expect(await ask('get', 'splattr'), file).toMatch(
          new RegExp(
            `^ {2}args: ${FLAGS} /opt/splattr/bridge\\.mjs --connection codex-corpus$`,
            'm',
          ),
        );

        await codex.removeEntry({}, ctx);
        expect(await ask('list'), file).not.toMatch(/^splattr /m);
      } finally {
        await rm(home, { recursive: true, force: true });
      }
    }
  });
});
