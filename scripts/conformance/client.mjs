// One conformance scenario, as a person and an AI app would go through it: the real CLI signs
// in (`add cursor --server <url>`, with `--client-id` when the scenario pre-registers one), then
// the bridge is started from the entry the CLI wrote to Cursor's config and asked over stdio
// for its tools and a tool call. A 403 asking for more scope marks the connection, and the CLI's
// `reconnect` signs in again for the wider scope, as the app's Reconnect button would.
// The suite passes the MCP URL as the last argument (and MCP_CONFORMANCE_CONTEXT).
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const serverUrl = process.argv.at(-1);
const context = JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT || '{}');
const home = await mkdtemp(path.join(os.tmpdir(), 'splattr-conformance-'));
const env = {
  ...process.env,
  HOME: home,
  XDG_CONFIG_HOME: path.join(home, '.config'),
  SPLATTR_COMPANION_HOME: path.join(home, 'companion-data'),
  // The system Node, as the CLI runs for a person (the suite itself needs Node 22).
  BROWSER: `${process.env.SPLATTR_CONFORMANCE_NODE || 'node'} ${path.join(root, 'scripts/conformance/browser.mjs')} %s`,
  // The client id the suite's CIMD scenario expects; servers without CIMD never see it.
  SPLATTR_CLIENT_METADATA_URL: 'https://conformance-test.local/client-metadata.json',
  ...(context.client_secret ? { SPLATTR_CLIENT_SECRET: context.client_secret } : {}),
};

function cli(args) {
  return new Promise((resolve) => {
    const child = spawn(
      process.env.SPLATTR_CONFORMANCE_NODE || 'node',
      [path.join(root, 'out/cli/cli.mjs'), ...args],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => {
      process.stderr.write(`$ splattr-companion ${args.join(' ')}\n${output}`);
      resolve(code);
    });
  });
}

async function useBridge() {
  const config = JSON.parse(await readFile(path.join(home, '.cursor', 'mcp.json'), 'utf8'));
  const entry = config.mcpServers.splattr;
  const client = new Client({ name: 'conformance-ai-app', version: '1.0.0' });
  await client.connect(
    new StdioClientTransport({
      command: entry.command,
      args: entry.args,
      env: { ...env, ...entry.env },
      stderr: 'inherit',
    }),
  );
  try {
    const { tools } = await client.listTools();
    for (const tool of tools) {
      const result = await client.callTool({ name: tool.name, arguments: {} });
      // The bridge answers a call it could not authorize as a tool error saying to reconnect.
      if (result.isError) throw new Error(JSON.stringify(result.content));
    }
    return tools.length;
  } finally {
    await client.close();
  }
}

let code = 1;
try {
  const clientId = context.client_id ? ['--client-id', context.client_id] : [];
  code = await cli(['add', 'cursor', '--server', serverUrl, ...clientId]);
  if (code === 0) {
    try {
      await useBridge();
    } catch (error) {
      process.stderr.write(`bridge: ${error.message}\n`);
      // A step-up (403 insufficient_scope) leaves the connection waiting for Reconnect.
      code = await cli(['reconnect', 'cursor']);
      if (code === 0) await useBridge();
    }
  }
} catch (error) {
  process.stderr.write(`${error.stack ?? error}\n`);
  code = 1;
} finally {
  await cli(['remove', 'cursor', '--yes']).catch(() => undefined);
  await rm(home, { recursive: true, force: true });
}
process.exit(code);
