import { createClientSecretStore } from '../../credentials/clientSecretStore';
import { createTokenStore } from '../../credentials/tokenStore';
import type { RunBridgeOptions, RunningBridge } from '../runBridge';
import { saveCompiledCode } from './compileCache';
import { createHeapTrimmer } from './heapTrimmer';
import { bridgeKeychain } from './keychain';
import { withReadAhead } from './readAhead';

export type StartBridgeOptions = Omit<
  RunBridgeOptions,
  'tokenStore' | 'clientSecrets' | 'transportFor' | 'fetch' | 'idle'
>;

/**
 * Starts the bridge the way a client launch needs it: answering `initialize` soon after spawn
 * and staying small for hours. Everything done for that alone lives behind this call, so the
 * relay's own code stays plain: the keychain read starts before the relay's code loads (its
 * round trips to the keyring go on while that code is read), that code loads only then, what
 * V8 compiled is kept for the next start once the first answer is out, and memory is given
 * back when the relay is idle. The bridge's entry (src/bridge/main.ts) has already kept V8 to
 * its first compile tiers and turned the compile cache on.
 */
export async function startBridge(options: StartBridgeOptions): Promise<RunningBridge> {
  const keychain = bridgeKeychain();
  const tokenStore = withReadAhead(createTokenStore({ keychain }), options.connectionId);
  const { runBridge } = await import('../runBridge');
  const trimmer = createHeapTrimmer();
  let startedUp = false;
  const idle = () => {
    if (!startedUp) saveCompiledCode();
    startedUp = true;
    trimmer.idle();
  };
  const clientSecrets = createClientSecretStore({ keychain });
  return runBridge({ ...options, tokenStore, clientSecrets, idle });
}
