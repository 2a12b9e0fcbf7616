import { createClientSecretStore } from '../../credentials/clientSecretStore';
import { createTokenStore } from '../../credentials/tokenStore';
import type { RunBridgeOptions, RunningBridge } from '../runBridge';
import { saveCompiledCode } from './compileCache';
import { limitCompileTiers } from './compileTiers';
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
 * round trips to the keyring go on while that code is read), that code loads only then, V8
 * does not optimise it, what V8 compiled is kept for the next start once the first answer is
 * out, and memory is given back when the relay is idle.
 */
export async function startBridge(options: StartBridgeOptions): Promise<RunningBridge> {
  limitCompileTiers();
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
