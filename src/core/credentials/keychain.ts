import { createRequire } from 'node:module';
import * as z from 'zod/mini';
import { CompanionError } from '../../shared/errors';

/** The part of keytar we use; tests inject a failing one to play a locked or missing keychain. */
export interface KeychainBackend {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

/** One JSON value per connection id under one keychain service. */
export interface KeychainEntries<T> {
  get(connectionId: string): Promise<T | undefined>;
  set(connectionId: string, value: T): Promise<void>;
  /** Returns whether an entry existed. */
  delete(connectionId: string): Promise<boolean>;
}

export interface KeychainOptions {
  /** Defaults to keytar, loaded on first use so that a missing native module is a clear error. */
  keychain?: KeychainBackend;
  service?: string;
}

/**
 * Secrets live in the OS keychain only. Every keychain failure becomes `keychain_unavailable`;
 * there is deliberately no fallback to a file, and the keychain's own error text (which could
 * quote what we tried to store) is kept as `cause` only, never in the message.
 */
export function keychainEntries<T>(
  schema: z.core.$ZodType<T>,
  service: string,
  options: KeychainOptions = {},
): KeychainEntries<T> {
  let backend = options.keychain;

  async function keychain<R>(use: (k: KeychainBackend) => Promise<R>): Promise<R> {
    try {
      // Loaded synchronously (keytar is CommonJS), so the first request reaches the keychain's
      // thread at once: the bridge starts its token read before loading the relay, and the
      // D-Bus round trip overlaps that work instead of following it.
      backend ??= createRequire(import.meta.url)('keytar') as KeychainBackend;
      return await use(backend);
    } catch (error) {
      if (error instanceof CompanionError) throw error;
      throw new CompanionError('keychain_unavailable', undefined, { cause: error });
    }
  }

  return {
    async get(connectionId) {
      const stored = await keychain((k) => k.getPassword(service, connectionId));
      if (stored === null) return undefined;
      const parsed = z.safeParse(schema, safeJson(stored));
      // An entry we cannot read is as good as none: the person signs in again and it is replaced.
      return parsed.success ? parsed.data : undefined;
    },
    async set(connectionId, value) {
      // zod's report could quote the values, so a malformed value (a bug upstream) fails plainly.
      const valid = z.safeParse(schema, value);
      if (!valid.success) throw new CompanionError('internal');
      await keychain((k) => k.setPassword(service, connectionId, JSON.stringify(valid.data)));
    },
    delete(connectionId) {
      return keychain((k) => k.deletePassword(service, connectionId));
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
