import net from 'node:net';

export interface TcpProxy {
  /** `http://127.0.0.1:<port>`: the same server, reached through the proxy. */
  origin: string;
  /** Cuts every open connection and refuses new ones, as a network outage does. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A byte-for-byte TCP relay on 127.0.0.1 in front of a local server, so a test can take the
 * network away and give it back while the server (and every token it issued) lives on.
 */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
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
      const next = net.createServer((inbound) => {
        const outbound = net.connect(targetPort, '127.0.0.1');
        track(inbound);
        track(outbound);
        inbound.once('close', () => outbound.destroy());
        outbound.once('close', () => inbound.destroy());
        inbound.pipe(outbound).pipe(inbound);
      });
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
    origin: `http://127.0.0.1:${port}`,
    down,
    up: () => (server ? Promise.resolve() : listen()),
    close: down,
  };
}
