import * as z from 'zod/mini';
import { KEYCHAIN_SERVICE } from '../../shared/server';
import { keychainEntries, type KeychainEntries, type KeychainOptions } from './keychain';

const ClientSecretSchema = z.object({ clientSecret: z.string().check(z.minLength(1)) });

export type ClientSecretStore = KeychainEntries<z.infer<typeof ClientSecretSchema>>;

/**
 * The client secret of a connection's registration (pre-registered, or given by a server that
 * accepts only confidential clients). Its own keychain service, apart from the tokens: a grant
 * that ends deletes the tokens, and the registration must outlive that for Reconnect.
 */
export function createClientSecretStore(options: KeychainOptions = {}): ClientSecretStore {
  return keychainEntries(
    ClientSecretSchema,
    options.service ?? `${KEYCHAIN_SERVICE}.client-secret`,
    options,
  );
}
