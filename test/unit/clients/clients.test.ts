import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BRIDGE_SCRIPT_NAME, buildBridgeEntry, classifyEntry } from '../../../src/core/bridgeEntry';
import { clients, describeClient, getClient, type ClientContext } from '../../../src/core/clients';
import { CLIENT_IDS, ClientInfoSchema } from '../../../src/shared/clients';
import { LAUNCHER, makeTempHome, type TempHome } from '../../helpers/clients/tempHome';

const claude = getClient('claude-desktop');
const cursor = getClient('cursor');

describe('the list of clients', () => {
  it('has one module per known client, found by id', () => {
    expect(clients.map((c) => c.id)).toEqual([...CLIENT_IDS]);
    expect(getClient('cursor')).toBe(cursor);
    expect(() => getClient('notepad')).toThrow(
      expect.objectContaining({ code: 'client_not_found' }),
    );
    expect(claude.needsRestartAfterChange).toBe(true);
    expect(typeof claude.restart).toBe('function');
    expect(cursor.needsRestartAfterChange).toBe(false);
  });
});

describe('where each config lives', () => {
  const mac = { platform: 'darwin' as const, env: { HOME: '/Users/ada' } };
  const linux = { platform: 'linux' as const, env: { HOME: '/home/ada' } };
  const windowsEnv = {
    USERPROFILE: 'C:\\Users\\ada',
    APPDATA: 'C:\\Users\\ada\\AppData\\Roaming',
    LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local',
  };
  const windows = { platform: 'win32' as const, env: windowsEnv, exists: () => false };

  it('Claude Desktop on macOS', () => {
    expect(claude.configPath(mac)).toBe(
      '/Users/ada/Library/Application Support/Claude/claude_desktop_config.json',
    );
  });

  it('Claude Desktop on Windows, classic and Microsoft Store installs', () => {
    expect(claude.configPath(windows)).toBe(
      'C:\\Users\\ada\\AppData\\Roaming\\Claude\\claude_desktop_config.json',
    );
    // Without APPDATA, the roaming folder under the profile.
    expect(claude.configPath({ ...windows, env: { USERPROFILE: 'D:\\Profiles\\ada' } })).toBe(
      'D:\\Profiles\\ada\\AppData\\Roaming\\Claude\\claude_desktop_config.json',
    );
    const store = 'C:\\Users\\ada\\AppData\\Local\\Packages\\Claude_pzs8sxrjxfjjc';
    expect(claude.configPath({ ...windows, exists: (p) => p === store })).toBe(
      `${store}\\LocalCache\\Roaming\\Claude\\claude_desktop_config.json`,
    );
  });

  it('Claude Desktop on Linux, honouring an absolute XDG_CONFIG_HOME only', () => {
    expect(claude.configPath(linux)).toBe('/home/ada/.config/Claude/claude_desktop_config.json');
    expect(
      claude.configPath({ ...linux, env: { HOME: '/home/ada', XDG_CONFIG_HOME: '/xdg' } }),
    ).toBe('/xdg/Claude/claude_desktop_config.json');
    expect(
      claude.configPath({ ...linux, env: { HOME: '/home/ada', XDG_CONFIG_HOME: 'relative' } }),
    ).toBe('/home/ada/.config/Claude/claude_desktop_config.json');
  });

  it('Cursor in ~/.cursor on every OS', () => {
    expect(cursor.configPath(mac)).toBe('/Users/ada/.cursor/mcp.json');
    expect(cursor.configPath(linux)).toBe('/home/ada/.cursor/mcp.json');
    expect(cursor.configPath(windows)).toBe('C:\\Users\\ada\\.cursor\\mcp.json');
  });

  it('every other client, on each OS', () => {
    // macOS, Linux, Windows.
    const expected: Record<string, [string, string, string]> = {
      'claude-code': [
        '/Users/ada/.claude.json',
        '/home/ada/.claude.json',
        'C:\\Users\\ada\\.claude.json',
      ],
      vscode: [
        '/Users/ada/Library/Application Support/Code/User/mcp.json',
        '/home/ada/.config/Code/User/mcp.json',
        'C:\\Users\\ada\\AppData\\Roaming\\Code\\User\\mcp.json',
      ],
      'vscode-insiders': [
        '/Users/ada/Library/Application Support/Code - Insiders/User/mcp.json',
        '/home/ada/.config/Code - Insiders/User/mcp.json',
        'C:\\Users\\ada\\AppData\\Roaming\\Code - Insiders\\User\\mcp.json',
      ],
      windsurf: [
        '/Users/ada/.codeium/windsurf/mcp_config.json',
        '/home/ada/.codeium/windsurf/mcp_config.json',
        'C:\\Users\\ada\\.codeium\\windsurf\\mcp_config.json',
      ],
      'gemini-cli': [
        '/Users/ada/.gemini/settings.json',
        '/home/ada/.gemini/settings.json',
        'C:\\Users\\ada\\.gemini\\settings.json',
      ],
      codex: [
        '/Users/ada/.codex/config.toml',
        '/home/ada/.codex/config.toml',
        'C:\\Users\\ada\\.codex\\config.toml',
      ],
      zed: [
        '/Users/ada/.config/zed/settings.json',
        '/home/ada/.config/zed/settings.json',
        'C:\\Users\\ada\\AppData\\Roaming\\Zed\\settings.json',
      ],
      'lm-studio': [
        '/Users/ada/.lmstudio/mcp.json',
        '/home/ada/.lmstudio/mcp.json',
        'C:\\Users\\ada\\.lmstudio\\mcp.json',
      ],
    };
    for (const [id, paths] of Object.entries(expected)) {
      expect(
        [mac, linux, windows].map((ctx) => getClient(id).configPath(ctx)),
        id,
      ).toEqual(paths);
    }
  });

  it('follows the variables that move a client’s folder', () => {
    const env = {
      HOME: '/home/ada',
      XDG_CONFIG_HOME: '/xdg',
      CODEX_HOME: '/data/codex',
      CLAUDE_CONFIG_DIR: '/data/claude',
    };
    const at = (id: string) => getClient(id).configPath({ platform: 'linux', env });
    expect(at('codex')).toBe('/data/codex/config.toml');
    expect(at('claude-code')).toBe('/data/claude/.claude.json');
    expect(at('vscode')).toBe('/xdg/Code/User/mcp.json');
    expect(at('zed')).toBe('/xdg/zed/settings.json');
  });

  it('finds the apps where each OS installs them', async () => {
    const at = (place: string) => (p: string) => p === place;
    expect(await claude.isInstalled({ ...mac, exists: at('/Applications/Claude.app') })).toBe(true);
    expect(await claude.isInstalled({ ...mac, exists: () => false })).toBe(false);
    expect(
      await claude.isInstalled({
        ...windows,
        exists: at('C:\\Users\\ada\\AppData\\Local\\AnthropicClaude\\claude.exe'),
      }),
    ).toBe(true);
    expect(await cursor.isInstalled({ ...mac, exists: at('/Applications/Cursor.app') })).toBe(true);
    const installedAt = (id: string, ctx: ClientContext, place: string) =>
      getClient(id).isInstalled({ ...ctx, exists: at(place) });
    expect(await installedAt('vscode', mac, '/Applications/Visual Studio Code.app')).toBe(true);
    expect(
      await installedAt('vscode', mac, '/Applications/Visual Studio Code - Insiders.app'),
    ).toBe(false);
    expect(
      await installedAt('vscode-insiders', mac, '/Applications/Visual Studio Code - Insiders.app'),
    ).toBe(true);
    expect(
      await installedAt(
        'vscode',
        windows,
        'C:\\Users\\ada\\AppData\\Local\\Programs\\Microsoft VS Code\\Code.exe',
      ),
    ).toBe(true);
    expect(await installedAt('windsurf', mac, '/Applications/Windsurf.app')).toBe(true);
    expect(await installedAt('zed', mac, '/Applications/Zed.app')).toBe(true);
    expect(await installedAt('lm-studio', mac, '/Applications/LM Studio.app')).toBe(true);
    expect(await installedAt('claude-code', mac, '/Users/ada/.local/bin/claude')).toBe(true);
    expect(
      await cursor.isInstalled({
        ...windows,
        exists: at('C:\\Users\\ada\\AppData\\Local\\Programs\\cursor\\Cursor.exe'),
      }),
    ).toBe(true);
  });
});

describe('on this machine', () => {
  let temp: TempHome;
  const started: ChildProcess[] = [];
  beforeEach(async () => {
    temp = await makeTempHome();
  });
  afterEach(async () => {
    for (const child of started.splice(0)) child.kill();
    await temp.cleanup();
  });

  it('sees a terminal client as installed from its command on PATH or its own folder', async () => {
    for (const id of ['claude-code', 'codex', 'gemini-cli']) {
      expect(await getClient(id).isInstalled(temp.ctx)).toBe(false);
    }
    // Claude Code edited as a file writes ~/.claude.json into HOME: that proves nothing.
    await getClient('claude-code').addEntry(buildBridgeEntry(LAUNCHER, 'c1'), {}, temp.ctx);
    expect(await getClient('claude-code').isInstalled(temp.ctx)).toBe(false);

    await fs.writeFile(path.join(temp.bin, 'codex'), '#!/bin/sh\n', { mode: 0o755 });
    await fs.mkdir(path.join(temp.home, '.claude'));
    await fs.writeFile(path.join(temp.home, '.claude', 'settings.json'), '{}');
    await fs.mkdir(path.join(temp.home, '.gemini'));
    await fs.writeFile(path.join(temp.home, '.gemini', 'installation_id'), 'x');

    for (const id of ['claude-code', 'codex', 'gemini-cli']) {
      expect(await getClient(id).isInstalled(temp.ctx)).toBe(true);
    }
  });

  it('changes Claude Code through its own CLI when it finds one', async () => {
    // A `claude` on PATH that records how it was called (the real one is tested in
    // test/integration/cli/realClients.test.ts); it leaves the file to the test.
    const calls = path.join(temp.home, 'calls');
    await fs.writeFile(
      path.join(temp.bin, 'claude'),
      `#!/bin/sh\nprintf '%s\\n' "$HOME" "$@" >> '${calls}'\n`,
      { mode: 0o755 },
    );
    const code = getClient('claude-code');
    const file = code.configPath(temp.ctx);
    const entry = buildBridgeEntry(LAUNCHER, 'c1');

    await code.addEntry(entry, {}, temp.ctx);
    const json = JSON.stringify({ type: 'stdio', ...entry });
    expect((await fs.readFile(calls, 'utf8')).split('\n')).toEqual([
      ...[temp.home, 'mcp', 'add-json', '-s', 'user', 'splattr', json],
      '',
    ]);
    await expect(fs.access(file)).rejects.toThrow();

    // An entry that is there already (written as Claude Code would) is replaced: removed, added.
    const original = JSON.stringify({ mcpServers: { splattr: { type: 'stdio', ...entry } } });
    await fs.writeFile(file, original);
    await fs.rm(calls);
    await code.addEntry(buildBridgeEntry(LAUNCHER, 'c2'), {}, temp.ctx);
    expect((await fs.readFile(calls, 'utf8')).split('\n').slice(0, 6)).toEqual([
      ...[temp.home, 'mcp', 'remove', '-s', 'user', 'splattr'],
    ]);
    // The same one backup as any edit.
    expect(await fs.readFile(`${file}.splattr-backup`, 'utf8')).toBe(original);

    await fs.rm(calls);
    expect(await code.removeEntry({ connectionId: 'c1' }, temp.ctx)).toBe(true);
    expect((await fs.readFile(calls, 'utf8')).split('\n')).toEqual([
      ...[temp.home, 'mcp', 'remove', '-s', 'user', 'splattr'],
      '',
    ]);
  });

  it('sees a client as installed once it left files of its own or its launcher exists', async () => {
    expect(await claude.isInstalled(temp.ctx)).toBe(false);
    expect(await cursor.isInstalled(temp.ctx)).toBe(false);

    // The folder and files this app writes itself prove nothing.
    await claude.addEntry(buildBridgeEntry(LAUNCHER, 'c1'), {}, temp.ctx);
    expect(await claude.isInstalled(temp.ctx)).toBe(false);

    await fs.writeFile(path.join(temp.home, '.config', 'Claude', 'Preferences'), '{}');
    await fs.writeFile(path.join(temp.bin, 'cursor'), '#!/bin/sh\n', { mode: 0o755 });

    expect(await claude.isInstalled(temp.ctx)).toBe(true);
    expect(await cursor.isInstalled(temp.ctx)).toBe(true);
  });

  it('knows whether the client is running, from the process list', async () => {
    // A stand-in process whose executable is named like Claude Desktop's Linux launcher.
    const fake = path.join(temp.bin, 'claude-desktop');
    await fs.copyFile('/bin/sleep', fake);
    await fs.chmod(fake, 0o755);
    expect(await claude.isRunning()).toBe(false);

    const child = spawn(fake, ['60'], { stdio: 'ignore' });
    started.push(child);
    await new Promise((resolve, reject) => child.once('spawn', resolve).once('error', reject));
    expect(await claude.isRunning()).toBe(true);
    expect(await cursor.isRunning()).toBe(false);

    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill();
    await exited;
    expect(await claude.isRunning()).toBe(false);
  });

  it('restarts Claude Desktop: quits the running one, then opens it again', async () => {
    // The running stand-in lives outside PATH; the launcher on PATH records that it was opened.
    const runningDir = path.join(temp.home, 'running');
    await fs.mkdir(runningDir);
    const running = path.join(runningDir, 'claude-desktop');
    await fs.copyFile('/bin/sleep', running);
    await fs.chmod(running, 0o755);
    const opened = path.join(temp.home, 'opened');
    await fs.writeFile(
      path.join(temp.bin, 'claude-desktop'),
      `#!/bin/sh\nexec /usr/bin/touch '${opened}'\n`,
      {
        mode: 0o755,
      },
    );
    const child = spawn(running, ['60'], { stdio: 'ignore' });
    started.push(child);
    await new Promise((resolve, reject) => child.once('spawn', resolve).once('error', reject));
    const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    // restart() ends every process of that name: make sure the only one is ours.
    const { findProcesses } = await import('../../../src/core/clients/processes');
    expect((await findProcesses(['claude-desktop'])).map((p) => p.pid)).toEqual([child.pid]);

    await claude.restart!(temp.ctx);

    expect(await exited).toBe('SIGTERM');
    await expect
      .poll(() =>
        fs.access(opened).then(
          () => true,
          () => false,
        ),
      )
      .toBe(true);
  });

  it('describes a client for its card in the UI', async () => {
    const info = await describeClient(cursor, temp.ctx);
    expect(ClientInfoSchema.parse(info)).toEqual({
      id: 'cursor',
      name: 'Cursor',
      installed: false,
      configPath: path.join(temp.home, '.cursor', 'mcp.json'),
      running: false,
      needsRestartAfterChange: false,
      canRestart: false,
    });
    expect((await describeClient(claude, temp.ctx)).canRestart).toBe(true);
  });
});

describe('the bridge entry', () => {
  it('launches the bridge script with the connection id, and no secret', () => {
    const entry = buildBridgeEntry(LAUNCHER, 'conn-42');
    expect(entry).toEqual({
      command: LAUNCHER.command,
      // V8 without its optimising compilers from the first line (src/core/bridgeNodeFlags.ts).
      args: ['--no-maglev', '--no-turbofan', LAUNCHER.scriptPath, '--connection', 'conn-42'],
      env: { ELECTRON_RUN_AS_NODE: '1' },
    });
    expect(classifyEntry(entry)).toEqual({ kind: 'ours', entry, connectionId: 'conn-42' });
  });

  it('has no env when node from a checkout runs the bridge', () => {
    const entry = buildBridgeEntry(
      { command: '/usr/bin/node', scriptPath: `/src/splattr/out/bridge/${BRIDGE_SCRIPT_NAME}` },
      'c',
    );
    expect(entry).not.toHaveProperty('env');
  });

  it('refuses relative paths, another script name, and a missing connection id', () => {
    expect(() => buildBridgeEntry({ ...LAUNCHER, command: 'node' }, 'c')).toThrow(TypeError);
    expect(() => buildBridgeEntry({ ...LAUNCHER, scriptPath: 'out/bridge.mjs' }, 'c')).toThrow(
      TypeError,
    );
    expect(() => buildBridgeEntry({ ...LAUNCHER, scriptPath: '/x/main.js' }, 'c')).toThrow(
      TypeError,
    );
    expect(() => buildBridgeEntry(LAUNCHER, '')).toThrow(TypeError);
  });

  it('recognises our entries wherever the app was installed, and nothing else', () => {
    const windowsEntry = {
      command: 'C:\\Program Files\\Splattr Companion\\Splattr Companion.exe',
      args: ['C:\\Program Files\\Splattr Companion\\resources\\bridge.mjs', '--connection', 'w1'],
      env: { ELECTRON_RUN_AS_NODE: '1' },
    };
    expect(classifyEntry(windowsEntry)).toMatchObject({ kind: 'ours', connectionId: 'w1' });
    expect(
      classifyEntry({
        command: '/usr/bin/node',
        args: ['--no-warnings', '/x/bridge.mjs', '--connection', 'n1'],
      }),
    ).toMatchObject({ kind: 'ours', connectionId: 'n1' });

    expect(classifyEntry(undefined)).toEqual({ kind: 'absent' });
    for (const other of [
      { command: 'npx', args: ['-y', 'mcp-remote', 'https://mcp.splattr.com/mcp'] },
      { url: 'https://mcp.splattr.com/mcp' },
      { command: '/usr/bin/node', args: ['/x/bridge.mjs'] },
      { command: '/usr/bin/node', args: ['/x/bridge.mjs', '--connection'] },
      { command: '/usr/bin/node', args: ['--connection', 'c', '/x/bridge.mjs'] },
      { command: '/usr/bin/node', args: ['/x/not-bridge.mjs', '--connection', 'c'] },
      'splattr',
      null,
    ]) {
      expect(classifyEntry(other)).toEqual({ kind: 'foreign' });
    }
  });
});
