// The bridge's keychain on Linux: the Secret Service (org.freedesktop.secrets) spoken directly
// over the session bus's socket. keytar costs the bridge about 7 MiB resident (libsecret, glib,
// gio, gcrypt and their threads) and a JavaScript D-Bus library costs more; node:net is already
// loaded by node:http, so this small client costs almost nothing (bench/README.md, "Memory on
// Node 24"). The app and the CLI keep keytar: the items are exactly keytar's, so either reads
// what the other wrote.
import type { KeychainBackend } from '../keychain';
import { sessionBus, type BusConnection, type BusOptions, type Target } from './connection';
import type { DBusValue, Variant } from './wire';

export interface SecretServiceOptions extends BusOptions {
  /** How long an unlock prompt may stay open; a headless keyring may never answer one. */
  promptTimeoutMs?: number;
}

const SECRETS = 'org.freedesktop.secrets';
const SERVICE: Target = {
  destination: SECRETS,
  path: '/org/freedesktop/secrets',
  interface: 'org.freedesktop.Secret.Service',
};
/** libsecret's SECRET_COLLECTION_DEFAULT, where keytar stores. */
const DEFAULT_COLLECTION = '/org/freedesktop/secrets/aliases/default';
/** keytar's schema (keytar_posix.cc); libsecret adds its name as the `xdg:schema` attribute. */
const SCHEMA = 'org.freedesktop.Secret.Generic';
const NO_PROMPT = '/';

/** keytar's attributes, and the schema name libsecret matches on too. */
const attributesOf = (service: string, account: string) => [
  ['service', service],
  ['account', account],
  ['xdg:schema', SCHEMA],
];

const item = (path: string): Target => ({
  destination: SECRETS,
  path,
  interface: 'org.freedesktop.Secret.Item',
});

export function secretServiceKeychain(options: SecretServiceOptions = {}): KeychainBackend {
  const bus = sessionBus(options);
  const promptTimeoutMs = options.promptTimeoutMs ?? 120_000;
  const sessions = new WeakMap<BusConnection, Promise<string>>();

  /**
   * The "plain" algorithm: secrets cross the bus unencrypted. The bus socket is this user's
   * alone, and any process that could read a message off it could call GetSecrets itself; the
   * DH/AES algorithm would load node:crypto and OpenSSL, the very cost this client removes.
   */
  function session(connection: BusConnection): Promise<string> {
    let opened = sessions.get(connection);
    if (!opened) {
      opened = connection
        .call(SERVICE, 'OpenSession', 'sv', ['plain', { signature: 's', value: '' }], 'vo')
        .then(([, path]) => path as string);
      opened.catch(() => sessions.delete(connection));
      sessions.set(connection, opened);
    }
    return opened;
  }

  async function search(connection: BusConnection, service: string, account: string) {
    const [unlocked, locked] = await connection.call(
      SERVICE,
      'SearchItems',
      'a{ss}',
      [attributesOf(service, account)],
      'aoao',
    );
    return { unlocked: unlocked as string[], locked: locked as string[] };
  }

  /** Runs a prompt the service asked for and resolves with its result, or fails if dismissed. */
  async function prompt(connection: BusConnection, path: string): Promise<Variant> {
    const prompt: Target = {
      destination: SECRETS,
      path,
      interface: 'org.freedesktop.Secret.Prompt',
    };
    const [dismissed, result] = await connection.signal(
      { path, interface: prompt.interface, member: 'Completed', signature: 'bv' },
      () => connection.call(prompt, 'Prompt', 's', [''], ''),
      promptTimeoutMs,
    );
    if (dismissed !== false) throw new Error('the keyring was not unlocked');
    return result as Variant;
  }

  async function unlock(connection: BusConnection, paths: string[]): Promise<string[]> {
    const [unlocked, promptPath] = await connection.call(SERVICE, 'Unlock', 'ao', [paths], 'aoo');
    if (promptPath === NO_PROMPT) return unlocked as string[];
    const result = await prompt(connection, promptPath as string);
    if (result.signature !== 'ao') throw new Error('unexpected unlock result');
    return result.value as string[];
  }

  return {
    async getPassword(service, account) {
      const connection = await bus.connection();
      // Both at once: the bridge's first read is on its way to being ready.
      const [{ unlocked, locked }, sessionPath] = await Promise.all([
        search(connection, service, account),
        session(connection),
      ]);
      const path = unlocked[0] ?? (locked[0] && (await unlock(connection, [locked[0]]))[0]);
      if (!path) return null;
      const [secrets] = await connection.call(
        SERVICE,
        'GetSecrets',
        'aoo',
        [[path], sessionPath],
        'a{o(oayays)}',
      );
      const [, secret] = ((secrets as DBusValue[][])[0] ?? []) as [string, DBusValue[]];
      if (!secret) return null;
      return (secret[2] as Buffer).toString('utf8');
    },

    async setPassword(service, account, password) {
      const connection = await bus.connection();
      await unlock(connection, [DEFAULT_COLLECTION]);
      const properties = [
        ['org.freedesktop.Secret.Item.Label', { signature: 's', value: `${service}/${account}` }],
        [
          'org.freedesktop.Secret.Item.Attributes',
          { signature: 'a{ss}', value: attributesOf(service, account) },
        ],
      ];
      const secret = [
        await session(connection),
        Buffer.alloc(0),
        Buffer.from(password),
        'text/plain',
      ];
      const collection: Target = {
        ...SERVICE,
        path: DEFAULT_COLLECTION,
        interface: 'org.freedesktop.Secret.Collection',
      };
      const [, promptPath] = await connection.call(
        collection,
        'CreateItem',
        'a{sv}(oayays)b',
        [properties, secret, true],
        'oo',
      );
      if (promptPath !== NO_PROMPT) await prompt(connection, promptPath as string);
    },

    async deletePassword(service, account) {
      const connection = await bus.connection();
      const { unlocked, locked } = await search(connection, service, account);
      const paths = [...unlocked, ...(locked.length > 0 ? await unlock(connection, locked) : [])];
      for (const path of paths) {
        const [promptPath] = await connection.call(item(path), 'Delete', '', [], 'o');
        if (promptPath !== NO_PROMPT) await prompt(connection, promptPath as string);
      }
      return paths.length > 0;
    },
  };
}
