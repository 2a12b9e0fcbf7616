import { fork } from 'node:child_process';
import path from 'node:path';
import type { Sandbox, SandboxControls } from '../src/sandbox';
import { remoteControls, type RemoteControls } from '../support/sandbox';
import { withTimeout } from './timeouts';

export interface SandboxProcess {
  pid: number;
  origin: string;
  mcpUrl: string;
  controls: RemoteControls;
  /**
   * For the test helpers that take a Sandbox but read only its addresses (signInWithBrowser,
   * createTestCompanion). Its in-process controls do not exist here: touching them throws.
   */
  asSandbox: Sandbox;
  close(): Promise<void>;
}

const HOST = path.join(import.meta.dirname, 'sandboxHost.ts');

/** Starts the sandbox (with its test tools) as a child process on 127.0.0.1, port 0. */
export async function startSandboxProcess(): Promise<SandboxProcess> {
  const child = fork(HOST, [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`The sandbox exited (${code}): ${stderr}`))),
  );
  exited.catch(() => undefined);
  const ready = new Promise<Pick<Sandbox, 'origin' | 'mcpUrl' | 'issuer' | 'controlToken'>>(
    (resolve) => child.once('message', (message) => resolve(message as never)),
  );
  let info: Awaited<typeof ready>;
  try {
    info = await withTimeout(Promise.race([ready, exited]), 30_000, 'the sandbox to start');
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const unavailable = new Proxy({} as SandboxControls, {
    get(_target, name) {
      throw new Error(`The sandbox runs in its own process: use controls.${String(name)}.`);
    },
  });
  return {
    pid: child.pid ?? 0,
    origin: info.origin,
    mcpUrl: info.mcpUrl,
    controls: remoteControls(info.origin, info.controlToken),
    asSandbox: {
      ...info,
      clientMetadataUrl: `${info.origin}/client-metadata.json`,
      controls: unavailable,
      close: async () => undefined,
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.disconnect();
      await withTimeout(gone, 5_000, 'the sandbox to stop').catch(() => child.kill('SIGKILL'));
    },
  };
}
