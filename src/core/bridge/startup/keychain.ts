import type { KeychainBackend } from '../../credentials/keychain';
import { secretServiceKeychain } from '../../credentials/secretService/secretServiceKeychain';

/**
 * The keychain a bridge reads its tokens from. On Linux the bridge speaks to the Secret Service
 * itself: keytar would cost each bridge about 7 MiB of libsecret and glib
 * (credentials/secretService/secretServiceKeychain.ts). Elsewhere, and in the app and the CLI,
 * keytar (undefined here); the entries are the same either way. The bench measures this too.
 */
export function bridgeKeychain(): KeychainBackend | undefined {
  return process.platform === 'linux' ? secretServiceKeychain() : undefined;
}
