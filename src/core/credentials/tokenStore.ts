import { KEYCHAIN_SERVICE } from '../../shared/server';
import { TokenSetSchema, type TokenSet } from '../oauth/types';
import { keychainEntries, type KeychainEntries, type KeychainOptions } from './keychain';

export type { KeychainBackend } from './keychain';

export type TokenStore = KeychainEntries<TokenSet>;
export type TokenStoreOptions = KeychainOptions;

/** Each connection's tokens, one keychain entry per connection id. */
export function createTokenStore(options: TokenStoreOptions = {}): TokenStore {
  return keychainEntries(TokenSetSchema, options.service ?? KEYCHAIN_SERVICE, options);
}
