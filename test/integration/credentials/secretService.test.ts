import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import keytar from 'keytar';
import * as z from 'zod/mini';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { keychainEntries } from '../../../src/core/credentials/keychain';
import { sessionBus } from '../../../src/core/credentials/secretService/connection';
import {
  secretServiceKeychain,
  type SecretServiceOptions,
} from '../../../src/core/credentials/secretService/secretServiceKeychain';
import {
  encodeMessage,
  MessageType,
  WireError,
} from '../../../src/core/credentials/secretService/wire';
import { ERROR_MESSAGES } from '../../../src/shared/errors';
import { companionError } from '../../helpers/companionError';
import {
  KEYRING_PASSWORD,
  keytarOn,
  startPrivateBus,
  type PrivateBus,
} from '../../helpers/privateBus';

const SERVICE = `splattr-test-${randomUUID()}`;
const ours = secretServiceKeychain();
const entries = (options: SecretServiceOptions = {}) =>
  keychainEntries(z.string(), SERVICE, { keychain: secretServiceKeychain(options) });

const accounts: string[] = [];
const newAccount = () => {
  const account = `account-${randomUUID()}`;
  accounts.push(account);
  return account;
};
afterEach(async () => {
  for (const account of accounts.splice(0)) await keytar.deletePassword(SERVICE, account);
});

/** What libsecret's own tool finds under the service: one line per item. */
async function itemsUnder(service: string): Promise<string[]> {
  const { stdout, stderr } = await promisify(execFile)('secret-tool', [
    'search',
    '--all',
    'service',
    service,
  ]);
  return `${stdout}${stderr}`.split('\n').filter((line) => line.startsWith('[/'));
}

describe('our Secret Service client and keytar, on the same keyring', () => {
  it('reads what keytar wrote, and keytar reads what it wrote', async () => {
    const [a, b] = [newAccount(), newAccount()];
    await keytar.setPassword(SERVICE, a, 'written by keytar');
    expect(await ours.getPassword(SERVICE, a)).toBe('written by keytar');

    await ours.setPassword(SERVICE, b, 'written by ours');
    expect(await keytar.getPassword(SERVICE, b)).toBe('written by ours');
    // The same item in every respect libsecret matches on: keytar lists it with its account.
    expect(await keytar.findCredentials(SERVICE)).toEqual(
      expect.arrayContaining([{ account: b, password: 'written by ours' }]),
    );
  });

  it("stores keytar's label and attributes, so a search by libsecret's schema finds it", async () => {
    const account = newAccount();
    await ours.setPassword(SERVICE, account, 'x');
    const { stdout } = await promisify(execFile)('secret-tool', [
      'search',
      '--all',
      'service',
      SERVICE,
      'account',
      account,
    ]);
    expect(stdout).toContain(`label = ${SERVICE}/${account}`);
    // secret-tool shows libsecret's xdg:schema attribute as `schema`.
    expect(stdout).toContain('schema = org.freedesktop.Secret.Generic');
  });

  it('replaces an entry instead of adding a second one, whoever wrote the first', async () => {
    const account = newAccount();
    await keytar.setPassword(SERVICE, account, 'first');
    await ours.setPassword(SERVICE, account, 'second');
    await ours.setPassword(SERVICE, account, 'third');
    expect(await itemsUnder(SERVICE)).toHaveLength(1);
    expect(await keytar.getPassword(SERVICE, account)).toBe('third');
  });

  it('deletes both ways, and says whether there was an entry', async () => {
    const [a, b] = [newAccount(), newAccount()];
    await keytar.setPassword(SERVICE, a, 'a');
    expect(await ours.deletePassword(SERVICE, a)).toBe(true);
    expect(await keytar.getPassword(SERVICE, a)).toBeNull();
    expect(await ours.deletePassword(SERVICE, a)).toBe(false);

    await ours.setPassword(SERVICE, b, 'b');
    expect(await keytar.deletePassword(SERVICE, b)).toBe(true);
    expect(await ours.getPassword(SERVICE, b)).toBeNull();
  });

  it('reads a missing entry as null', async () => {
    expect(await ours.getPassword(SERVICE, newAccount())).toBeNull();
  });

  it('keeps non-ASCII and 64 KiB values whole, both ways', async () => {
    const [a, b] = [newAccount(), newAccount()];
    const text = 'Zoë ✓ 東京 🔑 \u{10FFFF} "quoted" \\ end';
    const long = randomBytes(48 * 1024).toString('base64'); // 64 KiB of text
    await keytar.setPassword(SERVICE, a, text);
    expect(await ours.getPassword(SERVICE, a)).toBe(text);
    await ours.setPassword(SERVICE, b, long);
    expect(await keytar.getPassword(SERVICE, b)).toBe(long);
    expect(await ours.getPassword(SERVICE, b)).toBe(long);
  });

  it('lets its process exit when no call waits, and reads again after an idle turn', async () => {
    const account = newAccount();
    await keytar.setPassword(SERVICE, account, 'stored');
    const module = path.resolve('src/core/credentials/secretService/secretServiceKeychain.ts');
    const read = `keychain.getPassword(${JSON.stringify(SERVICE)}, ${JSON.stringify(account)})`;
    const script = `import { secretServiceKeychain } from ${JSON.stringify(module)};
      const keychain = secretServiceKeychain();
      const first = await ${read};
      setImmediate(async () => process.stdout.write(JSON.stringify([first, await ${read}])));`;
    // A socket that kept the loop alive would hold the process until this bound kills it.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { timeout: 30_000 },
    );
    expect(JSON.parse(stdout)).toEqual(['stored', 'stored']);
  });

  it('connects again after the socket closed, without being asked to', async () => {
    const bus = sessionBus();
    const first = await bus.connection();
    (first as unknown as { socket: net.Socket }).socket.destroy();
    const second = await bus.connection();
    expect(second).not.toBe(first);
    const [id] = await second.call(
      {
        destination: 'org.freedesktop.DBus',
        path: '/org/freedesktop/DBus',
        interface: 'org.freedesktop.DBus',
      },
      'GetId',
    );
    expect(id).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('when the Secret Service cannot be reached, every call fails with keychain_unavailable', () => {
  const unavailable = async (options: SecretServiceOptions) => {
    const store = entries(options);
    const account = newAccount();
    for (const attempt of [
      () => store.get(account),
      () => store.set(account, 'never stored'),
      () => store.delete(account),
    ]) {
      const error = await companionError(attempt());
      expect(error.code).toBe('keychain_unavailable');
      expect(error.message).toBe(ERROR_MESSAGES.keychain_unavailable);
    }
  };

  it('without DBUS_SESSION_BUS_ADDRESS', async () => {
    vi.stubEnv('DBUS_SESSION_BUS_ADDRESS', undefined);
    try {
      await unavailable({});
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('with an address of no unix socket, or of a socket that does not exist', async () => {
    await unavailable({ address: 'tcp:host=127.0.0.1,port=1' });
    await unavailable({ address: 'unix:path=/nonexistent/splattr-test-bus' });
  });

  it('with a bus that has no Secret Service on it', async () => {
    const bus = await startPrivateBus({ keyring: false });
    try {
      await unavailable({ address: bus.address });
      // Reached through the second address, an abstract socket, the bus itself answered.
      const address = `unix:path=/nonexistent/splattr-test-bus;${bus.address}`;
      const error = await companionError(entries({ address }).get(newAccount()));
      expect(bus.address).toMatch(/^unix:abstract=/);
      expect(error.cause).toMatchObject({ errorName: 'org.freedesktop.DBus.Error.ServiceUnknown' });
    } finally {
      await bus.close();
    }
  });

  describe('with a peer that is not a D-Bus bus', () => {
    let dir: string;
    const servers: net.Server[] = [];
    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'splattr-fake-bus-'));
    });
    afterAll(async () => {
      for (const server of servers) server.close();
      await rm(dir, { recursive: true, force: true });
    });
    /** A socket that accepts our authentication, then answers each line with `reply`. */
    async function fakeBus(reply: (line: string) => string | Buffer | undefined): Promise<string> {
      const socketPath = path.join(dir, `bus-${servers.length}`);
      const server = net.createServer((socket) =>
        socket.on('data', (data) => {
          const answer = reply(data.toString('latin1'));
          if (answer !== undefined) socket.write(answer);
        }),
      );
      servers.push(server);
      await new Promise<void>((listening) => server.listen(socketPath, listening));
      return `unix:path=${socketPath}`;
    }
    const ok = (line: string) => (line.includes('AUTH') ? 'OK 0123456789abcdef\r\n' : undefined);

    it('that answers with garbage after authentication', async () => {
      const address = await fakeBus(
        (line) =>
          ok(line) ?? (line.includes('BEGIN') ? 'HTTP/1.1 400 Bad Request\r\n\r\n' : undefined),
      );
      await unavailable({ address });
    });

    it('that sends a message whose lengths run past its end', async () => {
      // A little-endian method return claiming a 1 GiB body: refused, not waited for.
      const header = Buffer.from([0x6c, 2, 0, 1, 0, 0, 0, 0x40, 1, 0, 0, 0, 0, 0, 0, 0]);
      await unavailable({ address: await fakeBus((line) => ok(line) ?? header) });
    });

    it('that answers with a well-formed message of the wrong type', async () => {
      const wrong = encodeMessage({
        type: MessageType.methodReturn,
        serial: 1,
        replySerial: 1, // our Hello
        signature: 'u',
        body: [7],
      });
      const address = await fakeBus(
        (line) => ok(line) ?? (line.includes('Hello') ? wrong : undefined),
      );
      await unavailable({ address });
      const error = await companionError(entries({ address }).get(newAccount()));
      expect(error.cause).toBeInstanceOf(WireError);
    });

    it('that refuses our authentication', async () => {
      await unavailable({ address: await fakeBus(() => 'REJECTED EXTERNAL\r\n') });
    });

    it('that never answers, in bounded time', async () => {
      await unavailable({ address: await fakeBus(() => undefined), timeoutMs: 200 });
      await unavailable({ address: await fakeBus(ok), timeoutMs: 200 });
    });
  });
});

describe('a locked keyring that cannot prompt (headless gnome-keyring)', () => {
  let bus: PrivateBus;
  beforeAll(async () => {
    bus = await startPrivateBus({ keyring: true });
  });
  afterAll(async () => {
    await bus?.close();
  });

  const secretService = {
    destination: 'org.freedesktop.secrets',
    path: '/org/freedesktop/secrets',
    interface: 'org.freedesktop.Secret.Service',
  };
  const defaultCollection = '/org/freedesktop/secrets/aliases/default';

  it('fails with keychain_unavailable and changes nothing; keytar reads no entry at all', async () => {
    const account = newAccount();
    await keytarOn(bus.address, 'setPassword', SERVICE, account, 'before the lock');
    const connection = await sessionBus({ address: bus.address }).connection();
    await connection.call(secretService, 'Lock', 'ao', [[defaultCollection]]);

    // gnome-keyring asks its system prompter, which cannot open a display and exits: the
    // prompt completes as dismissed.
    const store = entries({ address: bus.address });
    for (const attempt of [
      () => store.get(account),
      () => store.set(account, 'after the lock'),
      () => store.delete(account),
    ]) {
      expect((await companionError(attempt())).code).toBe('keychain_unavailable');
    }
    // keytar (libsecret) takes the dismissed prompt for a missing entry: a bridge on keytar
    // would have asked the person to sign in again, where ours says the keychain is locked.
    expect(await keytarOn(bus.address, 'getPassword', SERVICE, account)).toBeNull();

    // gnome-keyring's own way to unlock without a prompt, with the keyring's password.
    const [, session] = await connection.call(secretService, 'OpenSession', 'sv', [
      'plain',
      { signature: 's', value: '' },
    ]);
    await connection.call(
      { ...secretService, interface: 'org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface' },
      'UnlockWithMasterPassword',
      'o(oayays)',
      [
        defaultCollection,
        [session as string, Buffer.alloc(0), Buffer.from(KEYRING_PASSWORD), 'text/plain'],
      ],
    );
    expect(await keytarOn(bus.address, 'getPassword', SERVICE, account)).toBe('before the lock');
  });
});
