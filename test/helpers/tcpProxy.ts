import net from 'node:net';
import tls from 'node:tls';

export interface TcpProxy {
  /** `http://127.0.0.1:<port>` (`https://` with `tls`): the same server, through the proxy. */
  origin: string;
  /** Cuts every open connection and refuses new ones, as a network outage does. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A byte-for-byte TCP relay on 127.0.0.1 in front of a local server, so a test can take the
 * network away and give it back while the server (and every token it issued) lives on. With
 * `tls` (a key and certificate) it terminates TLS first: the server, served over https.
 */
export async function startTcpProxy(
  targetPort: number,
  options: { tls?: tls.TlsOptions } = {},
): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = 0;

  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const relay = (inbound: net.Socket) => {
        const outbound = net.connect(targetPort, '127.0.0.1');
        track(inbound);
        track(outbound);
        inbound.once('close', () => outbound.destroy());
        outbound.once('close', () => inbound.destroy());
        inbound.pipe(outbound).pipe(inbound);
      };
      const next = options.tls ? tls.createServer(options.tls, relay) : net.createServer(relay);
      // A client that refuses the certificate ends its handshake: a test's point, not an error.
      next.on('tlsClientError', () => undefined);
      next.once('error', reject);
      next.listen({ host: '127.0.0.1', port }, () => {
        port = (next.address() as net.AddressInfo).port;
        server = next;
        resolve();
      });
    });

  const down = async () => {
    const stopping = server;
    server = undefined;
    if (!stopping) return;
    const closed = new Promise<void>((resolve) => stopping.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  };

  await listen();
  return {
    origin: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    down,
    up: () => (server ? Promise.resolve() : listen()),
    close: down,
  };
}
