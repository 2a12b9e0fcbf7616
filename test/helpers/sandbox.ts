import { afterAll, beforeAll } from 'vitest';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox';

export {
  connectMcp,
  postWithToken,
  remoteControls,
  toolText,
  type RemoteControls,
} from '../../support/sandbox';

/**
 * Starts a sandbox before the file's tests and closes it after them. Returns a getter, since the
 * sandbox exists only once `beforeAll` has run: `const sandbox = withSandbox(); sandbox().mcpUrl`.
 */
export function withSandbox(options: SandboxOptions = {}): () => Sandbox {
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    sandbox = await startSandbox(options);
  });
  afterAll(async () => {
    await sandbox?.close();
  });
  return () => {
    if (!sandbox) throw new Error('The sandbox is not started yet: use it inside a test or hook.');
    return sandbox;
  };
}
