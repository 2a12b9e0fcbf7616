import { spawn, execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

export interface PrivateBus {
  address: string;
  close(): Promise<void>;
}

/** The password scripts/with-keyring.sh unlocks its keyring with; the private one uses it too. */
export const KEYRING_PASSWORD = 'splattr-test';

// No service directories: nothing can be started on demand, org.freedesktop.secrets included
// (the session's own configuration would start gnome-keyring when it is asked for).
const BARE_CONFIG = (dir: string) => `<!DOCTYPE busconfig PUBLIC
 "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:abstract=${dir}/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`;

/**
 * A session bus of this test's own, apart from the one scripts/with-keyring.sh started (which
 * other test files use meanwhile). `keyring`: with an unlocked gnome-keyring on it, started as
 * that script does; otherwise a bus where nothing provides the Secret Service, on an abstract
 * socket.
 */
export async function startPrivateBus(options: { keyring: boolean }): Promise<PrivateBus> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'splattr-bus-'));
  const config = options.keyring ? ['--session'] : ['--config-file', path.join(dir, 'bus.conf')];
  if (!options.keyring) await writeFile(path.join(dir, 'bus.conf'), BARE_CONFIG(dir));
  const daemon = spawn('dbus-daemon', [...config, '--nofork', '--print-address'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const [line] = (await once(daemon.stdout, 'data')) as [Buffer];
  const address = line.toString().trim();
  const close = async () => {
    daemon.kill();
    if (daemon.exitCode === null) await once(daemon, 'exit');
    await rm(dir, { recursive: true, force: true });
  };
  if (options.keyring) {
    const keyring = execFile('gnome-keyring-daemon', ['--unlock', '--components=secrets'], {
      env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: address, XDG_DATA_HOME: dir },
    });
    keyring.stdin?.end(KEYRING_PASSWORD);
    await once(keyring, 'exit');
  }
  return { address, close };
}

/** Runs keytar in a process of its own on `address`: libsecret keeps the first bus it met. */
export async function keytarOn(
  address: string,
  call: 'getPassword' | 'setPassword' | 'deletePassword',
  ...args: string[]
): Promise<unknown> {
  const script = `const k = (await import('keytar')).default;
    const result = await k[${JSON.stringify(call)}](...${JSON.stringify(args)});
    process.stdout.write(JSON.stringify(result ?? null));`;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '-e', script],
    { env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: address }, timeout: 30_000 },
  );
  return JSON.parse(stdout) as unknown;
}
