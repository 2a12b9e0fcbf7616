import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { modernPost } from '../../../support/modernHttp';
import { connectMcp, remoteControls, toolText } from '../../helpers/sandbox';

const children: ChildProcess[] = [];

function runSandbox(args: string[]): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/sandbox/main.ts', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

/** The lines the sandbox prints before it says it is ready. */
async function banner(child: ChildProcess): Promise<string> {
  const lines: string[] = [];
  for await (const line of createInterface({ input: child.stdout! })) {
    lines.push(line);
    if (line.startsWith('Press Ctrl+C')) break;
  }
  return lines.join('\n');
}

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('npm run sandbox', () => {
  it('prints its MCP URL, the demo accounts and a control token, serves them, and stops cleanly on SIGTERM', async () => {
    const child = runSandbox(['--port', '0', '--test-tools', '--access-token-ttl', '120']);
    const text = await banner(child);
    const mcpUrl = /MCP URL:\s+(http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(text)?.[1];
    const controlToken = /Control token:\s+(\S+)/.exec(text)?.[1];
    expect(mcpUrl).toBeDefined();
    expect(controlToken).toBeDefined();
    expect(text).toContain('demo@splattr.test / demo');
    expect(text).toContain('bob@globex.test / demo');

    const controls = remoteControls(new URL(mcpUrl!).origin, controlToken!);
    const tokens = await controls.issueTokens({ email: 'bob@globex.test' });
    expect(tokens.expiresIn).toBe(120);
    const client = await connectMcp(mcpUrl!, tokens.accessToken);
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    expect(names).toEqual(
      expect.arrayContaining(['whoami', 'test_progress', 'test_wait', 'test_elicit', 'test_large']),
    );
    expect(
      JSON.parse(toolText(await client.callTool({ name: 'whoami', arguments: {} }))).organization,
    ).toBe('Globex');
    await client.close();

    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    expect(await exited).toEqual([0, null]);
  });

  it('refuses bad arguments with a usage line and exit code 2', async () => {
    for (const args of [
      ['--port', 'abc'],
      ['--access-token-ttl', '0'],
      ['--bogus'],
      ['--era', 'future'],
    ]) {
      const child = runSandbox(args);
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const [code] = await once(child, 'exit');
      expect(code).toBe(2);
      expect(stderr).toContain('Usage: npm run sandbox');
    }
  });

  it('--era modern serves MCP 2026-07-28 only, and says so', async () => {
    const child = runSandbox(['--port', '0', '--era', 'modern']);
    const text = await banner(child);
    expect(text).toMatch(/MCP era:\s+modern \(MCP 2026-07-28\)/);
    const mcpUrl = /MCP URL:\s+(\S+)/.exec(text)![1]!;
    const controlToken = /Control token:\s+(\S+)/.exec(text)![1]!;
    const { accessToken } = await remoteControls(new URL(mcpUrl).origin, controlToken).issueTokens({
      email: 'demo@splattr.test',
    });
    const discovered = await modernPost(mcpUrl, accessToken, 'server/discover');
    expect(discovered.response?.result?.supportedVersions).toEqual(['2026-07-28']);
    await expect(connectMcp(mcpUrl, accessToken)).rejects.toThrow(/2026-07-28/);
  });
});
