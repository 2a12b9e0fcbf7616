import net from 'node:net';
import { withTimeout } from '../../withTimeout';
import { socketPaths } from './address';
import {
  decodeMessage,
  encodeMessage,
  messageLength,
  MessageType,
  WireError,
  type DBusValue,
  type Message,
} from './wire';

/** An error the other side answered with: only its name, since its text could quote a value. */
export class DBusError extends Error {
  constructor(readonly errorName: string) {
    super(`D-Bus error ${errorName}`);
  }
}

export interface Target {
  destination: string;
  path: string;
  interface: string;
}

interface SignalMatch {
  path: string;
  interface: string;
  member: string;
  /** The signal's declared signature: one with another is refused. */
  signature: string;
}

export interface BusOptions {
  /** A D-Bus address; defaults to DBUS_SESSION_BUS_ADDRESS. */
  address?: string;
  /** How long connecting, or any one call, may take before it fails. */
  timeoutMs?: number;
}

const BUS: Target = {
  destination: 'org.freedesktop.DBus',
  path: '/org/freedesktop/DBus',
  interface: 'org.freedesktop.DBus',
};

/**
 * The session bus, connected on first use and again after the socket closed or broke. Whoever
 * keeps state that lives as long as one connection (a Secret Service session) keys it on the
 * connection `connection()` returns.
 */
export function sessionBus(options: BusOptions = {}): { connection(): Promise<BusConnection> } {
  const timeoutMs = options.timeoutMs ?? 5_000;
  let current: Promise<BusConnection> | undefined;
  const open = () => {
    const opening = connect(options.address ?? process.env.DBUS_SESSION_BUS_ADDRESS, timeoutMs);
    opening.catch(() => {
      if (current === opening) current = undefined;
    });
    return (current = opening);
  };
  return {
    async connection() {
      const connection = await (current ?? open());
      return connection.closed ? open() : connection;
    },
  };
}

async function connect(address: string | undefined, timeoutMs: number): Promise<BusConnection> {
  const paths = socketPaths(address);
  if (paths.length === 0) throw new Error('no session bus: no unix socket address');
  let failure: unknown;
  for (const path of paths) {
    const socket = net.createConnection({ path });
    try {
      const leftover = await withTimeout(authenticate(socket), timeoutMs, 'the session bus');
      const connection = new BusConnection(socket, timeoutMs, leftover);
      await connection.call(BUS, 'Hello', '', [], 's');
      return connection;
    } catch (error) {
      socket.destroy();
      failure = error;
    }
  }
  throw failure;
}

/**
 * SASL EXTERNAL: the bus checks our uid against the socket's peer credentials. Resolves with
 * whatever followed the server's OK (nothing, in practice: it speaks next after BEGIN).
 */
function authenticate(socket: net.Socket): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const done = (error?: Error) => {
      socket.off('data', onData).off('error', done).off('close', onClose);
      if (error) reject(error);
    };
    const onClose = () => done(new Error('the session bus closed the connection'));
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n');
      if (end < 0) return;
      const line = received.toString('latin1', 0, end);
      if (!line.startsWith('OK ')) return done(new Error('the session bus refused us'));
      done();
      socket.write('BEGIN\r\n');
      resolve(received.subarray(end + 2));
    };
    socket.on('data', onData).on('error', done).on('close', onClose);
    const uid = Buffer.from(String(process.getuid?.() ?? 0)).toString('hex');
    socket.write(`\0AUTH EXTERNAL ${uid}\r\n`);
  });
}

interface Waiter {
  resolve(message: Message): void;
  reject(error: Error): void;
}

export class BusConnection {
  private serial = 0;
  private inbox: Buffer;
  private readonly replies = new Map<number, Waiter>();
  private readonly signals = new Map<SignalMatch, Waiter>();

  constructor(
    private readonly socket: net.Socket,
    private readonly timeoutMs: number,
    received: Buffer,
  ) {
    this.inbox = received;
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error) => this.close(error));
    socket.on('close', () => this.close(new Error('the session bus closed the connection')));
  }

  /** Also once the socket was destroyed and before its close event, which comes later. */
  get closed(): boolean {
    return this.socket.destroyed;
  }

  /**
   * Calls a method and resolves with its reply's body; an error reply rejects as DBusError.
   * With `reply`, the method's output signature, any other answer is refused: the values then
   * have the shapes the caller expects.
   */
  call(
    target: Target,
    member: string,
    signature = '',
    body: DBusValue[] = [],
    reply?: string,
  ): Promise<DBusValue[]> {
    if (this.closed) return Promise.reject(new Error('the session bus connection is closed'));
    const serial = ++this.serial;
    // Encoded first: a value that does not fit its signature throws before anything waits.
    const message = encodeMessage({
      type: MessageType.call,
      serial,
      ...target,
      member,
      signature,
      body,
    });
    const answer = this.wait(this.replies, serial, `${target.interface}.${member}`, reply);
    this.socket.write(message);
    return answer;
  }

  /**
   * Subscribes to a signal, runs `start` (which makes the signal happen) and resolves with the
   * signal's body. The subscription comes first, so a signal sent at once is not missed.
   */
  async signal(
    match: SignalMatch,
    start: () => Promise<unknown>,
    timeoutMs: number,
  ): Promise<DBusValue[]> {
    const rule = `type='signal',path='${match.path}',interface='${match.interface}',member='${match.member}'`;
    await this.call(BUS, 'AddMatch', 's', [rule]);
    const received = this.wait(
      this.signals,
      match,
      `${match.interface}.${match.member}`,
      match.signature,
      timeoutMs,
    );
    // Left unawaited when `start` fails; settled in any case below.
    received.catch(() => undefined);
    try {
      await start();
      return await received;
    } finally {
      this.signals.get(match)?.reject(new Error('no longer waited for'));
      this.call(BUS, 'RemoveMatch', 's', [rule]).catch(() => undefined);
    }
  }

  /**
   * A pending answer, failed after the timeout. The socket keeps the process alive only while
   * something waits on it, so an idle bridge can exit.
   */
  private wait<K>(
    waiters: Map<K, Waiter>,
    key: K,
    what: string,
    signature: string | undefined,
    timeoutMs = this.timeoutMs,
  ): Promise<DBusValue[]> {
    return new Promise<DBusValue[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(key);
        this.ref();
        reject(new Error(`no answer to ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref();
      const settle = () => {
        clearTimeout(timer);
        waiters.delete(key);
        this.ref();
      };
      waiters.set(key, {
        resolve: (message) => {
          settle();
          if (signature === undefined || (message.signature ?? '') === signature) {
            resolve(message.body ?? []);
          } else reject(new WireError(`unexpected answer to ${what}`));
        },
        reject: (error) => (settle(), reject(error)),
      });
      this.ref();
    });
  }

  private ref(): void {
    if (this.replies.size + this.signals.size > 0) this.socket.ref();
    else this.socket.unref();
  }

  private receive(chunk: Buffer): void {
    this.inbox = this.inbox.length === 0 ? chunk : Buffer.concat([this.inbox, chunk]);
    try {
      for (;;) {
        const length = messageLength(this.inbox);
        if (length === undefined || this.inbox.length < length) return;
        const message = decodeMessage(this.inbox.subarray(0, length));
        this.inbox = this.inbox.subarray(length);
        this.dispatch(message);
      }
    } catch (error) {
      this.close(error instanceof Error ? error : new Error('unreadable message'));
    }
  }

  private dispatch(message: Message): void {
    if (message.type === MessageType.methodReturn || message.type === MessageType.error) {
      const waiter = this.replies.get(message.replySerial ?? -1);
      if (message.type === MessageType.error)
        waiter?.reject(new DBusError(message.errorName ?? ''));
      else waiter?.resolve(message);
    } else if (message.type === MessageType.signal) {
      for (const [match, waiter] of this.signals) {
        if (
          match.path === message.path &&
          match.interface === message.interface &&
          match.member === message.member
        )
          waiter.resolve(message);
      }
    }
  }

  private close(error: Error): void {
    this.socket.destroy();
    for (const waiter of [...this.replies.values(), ...this.signals.values()]) waiter.reject(error);
  }
}
