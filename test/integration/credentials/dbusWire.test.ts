import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DBusValue } from '../../../src/core/credentials/secretService/wire';
import {
  sessionBus,
  type BusConnection,
  type Target,
} from '../../../src/core/credentials/secretService/connection';
import { socketPaths } from '../../../src/core/credentials/secretService/address';

// The wire format checked against libdbus itself: dbus-daemon validates every message it is
// sent (a misaligned one closes the connection), dbus-monitor prints what it decoded from our
// bytes, and dbus-send produces the bytes we decode. Values are laid out so that each 8-byte
// type follows a shorter one, and a string whose byte length is not its character count.

const DRIVER: Target = {
  destination: 'org.freedesktop.DBus',
  path: '/org/freedesktop/DBus',
  interface: 'org.freedesktop.DBus',
};
const TEST: Target = {
  destination: 'org.freedesktop.DBus',
  path: '/splattr/test',
  interface: 'splattr.Test',
};

/** Each basic type as we hold it, as dbus-send writes it and as dbus-monitor prints it. */
const BASICS: Array<[string, DBusValue, string, string]> = [
  ['y', 255, 'byte:255', 'byte 255'],
  ['s', 'é', 'string:é', 'string "é"'],
  ['x', -9007199254740993n, 'int64:-9007199254740993', 'int64 -9007199254740993'],
  ['b', true, 'boolean:true', 'boolean true'],
  ['n', -2, 'int16:-2', 'int16 -2'],
  ['q', 65535, 'uint16:65535', 'uint16 65535'],
  ['i', -5, 'int32:-5', 'int32 -5'],
  ['t', 18446744073709551615n, 'uint64:18446744073709551615', 'uint64 18446744073709551615'],
  ['d', 0.5, 'double:0.5', 'double 0.5'],
  ['o', '/a/b', 'objpath:/a/b', 'object path "/a/b"'],
];
const basicSignature = BASICS.map(([type]) => type).join('');
const basicValues = BASICS.map(([, value]) => value);

let connection: BusConnection;
beforeAll(async () => {
  connection = await sessionBus().connection();
});

describe('D-Bus messages on the real session bus', () => {
  it('calls the bus with no arguments, and reads its string and array answers', async () => {
    expect(
      await connection.call({ ...DRIVER, interface: 'org.freedesktop.DBus.Peer' }, 'Ping'),
    ).toEqual([]);
    const [id] = await connection.call(DRIVER, 'GetId');
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    const [names] = await connection.call(DRIVER, 'ListNames');
    expect(names).toEqual(
      expect.arrayContaining(['org.freedesktop.DBus', 'org.freedesktop.secrets']),
    );
    const [xml] = await connection.call(
      { ...DRIVER, interface: 'org.freedesktop.DBus.Introspectable' },
      'Introspect',
    );
    expect(xml).toContain('<interface name="org.freedesktop.DBus">');
  });

  it('reads a variant dictionary of the bus', async () => {
    const [credentials] = await connection.call(DRIVER, 'GetConnectionCredentials', 's', [
      'org.freedesktop.DBus',
    ]);
    expect(credentials).toEqual(
      expect.arrayContaining([['UnixUserID', { signature: 'u', value: process.getuid?.() }]]),
    );
  });

  it('sends every type so that libdbus reads the same values', async () => {
    const monitor = spawn('dbus-monitor', [
      '--session',
      `type='method_call',interface='${TEST.interface}'`,
    ]);
    let printed = '';
    monitor.stdout.setEncoding('utf8').on('data', (text: string) => (printed += text));
    try {
      await once(monitor.stdout, 'data'); // it is a monitor once it says so
      const sent = connection.call(TEST, 'Values', `${basicSignature}gv(yt)a{sx}ayuas`, [
        ...basicValues,
        'a{sv}',
        { signature: 't', value: 3n },
        [1, 2n],
        [['k', 7n]],
        Buffer.from('abc'),
        4294967295,
        ['a', 'bb'],
      ]);
      // The bus accepted the message as valid and answers it: nobody implements the interface.
      await expect(sent).rejects.toThrow('org.freedesktop.DBus.Error.UnknownInterface');
      await connection.call(TEST, 'End').catch(() => undefined);
      while (!printed.includes('member=End')) await once(monitor.stdout, 'data');
    } finally {
      monitor.kill();
    }
    const values = printed.split('member=Values\n')[1]?.split('\nmethod call')[0];
    expect(values?.split('\n').map((line) => line.trim())).toEqual([
      ...BASICS.map(([, , , shown]) => shown),
      'signature "a{sv}"',
      'variant       uint64 3',
      'struct {',
      'byte 1',
      'uint64 2',
      '}',
      'array [',
      'dict entry(',
      'string "k"',
      'int64 7',
      ')',
      ']',
      'array of bytes "abc"',
      'uint32 4294967295',
      'array [',
      'string "a"',
      'string "bb"',
      ']',
    ]);
  });

  it('reads every type as libdbus wrote it, in a signal from dbus-send', async () => {
    const match = {
      path: '/splattr/test',
      interface: TEST.interface,
      member: 'Values',
      signature: `${basicSignature}va{sx}asu`,
    };
    const body = await connection.signal(
      match,
      () =>
        promisify(execFile)('dbus-send', [
          '--session',
          '--type=signal',
          match.path,
          `${match.interface}.${match.member}`,
          ...BASICS.map(([, , written]) => written),
          'variant:uint64:3',
          'dict:string:int64:k,7,second,-1',
          'array:string:a,bb',
          'uint32:4294967295',
        ]),
      30_000,
    );
    expect(body).toEqual([
      ...basicValues,
      { signature: 't', value: 3n },
      [
        ['k', 7n],
        ['second', -1n],
      ],
      ['a', 'bb'],
      4294967295,
    ]);
  });
});

describe('session bus addresses', () => {
  it('lists the unix sockets in order, abstract ones with a leading NUL, skipping the rest', () => {
    expect(
      socketPaths(
        'tcp:host=localhost,port=1;unix:abstract=/tmp/dbus-x,guid=1;unix:path=/run/user/1000/b%2cus;unixexec:path=/bin/x',
      ),
    ).toEqual(['\0/tmp/dbus-x', '/run/user/1000/b,us']);
    expect(socketPaths(undefined)).toEqual([]);
    expect(socketPaths('autolaunch:')).toEqual([]);
  });
});
