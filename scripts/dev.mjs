// `npm start`: the app in development. With no Splattr URL configured, it first starts the
// sandbox and points the app at it, so a newcomer sees the whole product work without an account.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import readline from 'node:readline';

const children = [];
const stopAll = () => children.forEach((child) => child.kill('SIGTERM'));
process.on('SIGINT', stopAll);
process.on('SIGTERM', stopAll);

async function startSandbox() {
  const sandbox = spawn(process.execPath, ['--import', 'tsx', 'src/sandbox/main.ts'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(sandbox);
  const lines = readline.createInterface({ input: sandbox.stdout });
  for await (const line of lines) {
    console.log(`[sandbox] ${line}`);
    const match = /(http:\/\/127\.0\.0\.1:\d+\/mcp)\b/.exec(line);
    if (match) {
      lines.on('line', (rest) => console.log(`[sandbox] ${rest}`));
      return match[1];
    }
  }
  throw new Error('The sandbox stopped before printing its MCP URL.');
}

const env = { ...process.env };
if (!env.SPLATTR_MCP_URL) env.SPLATTR_MCP_URL = await startSandbox();

const app = spawn('npx', ['electron-vite', 'dev'], { stdio: 'inherit', env });
children.push(app);
const [code] = await once(app, 'exit');
stopAll();
process.exit(code ?? 0);
