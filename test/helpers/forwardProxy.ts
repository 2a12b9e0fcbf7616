import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

/** One request the proxy passed on: a CONNECT tunnel, or an absolute-URI request. */
export type ProxiedRequest = (
  { kind: 'tunnel'; target: string } | { kind: 'forward'; method: string; url: string }
) & {
  /** The Proxy-Authorization header, when the client sent one. */
  credentials?: string;
};

export interface ForwardProxy {
  /** `http://127.0.0.1:<port>` (`https://` with `tls`), as HTTPS_PROXY or a setting names it. */
  url: string;
  /** Everything that went through, in order. */
  readonly seen: ProxiedRequest[];
  /** The paths of the absolute-URI requests made to `origin`, in order. */
  pathsTo(origin: string): string[];
  close(): Promise<void>;
}

/**
 * A small HTTP forward proxy on 127.0.0.1, as companies run them: CONNECT opens a TCP tunnel
 * (for https), any other method with an absolute URI is forwarded (for plain http). It records
 * what passes, so a test sees which requests went through a proxy and which did not.
 */
export async function startForwardProxy(
  options: {
    /** A `user:password` the proxy requires: without it, it answers 407 (and passes nothing). */
    requires?: string;
    /** A key and certificate: the proxy is then spoken to over TLS (an `https://` proxy). */
    tls?: { key: string; cert: string };
  } = {},
): Promise<ForwardProxy> {
  const required = options.requires && `Basic ${Buffer.from(options.requires).toString('base64')}`;
  const refused = (request: http.IncomingMessage) =>
    Boolean(required) && request.headers['proxy-authorization'] !== required;
  const seen: ProxiedRequest[] = [];
  const sockets = new Set<net.Socket>();
  const handle: http.RequestListener = (request, response) => {
    let target: URL;
    try {
      target = new URL(request.url ?? '');
    } catch {
      response.writeHead(400).end('absolute URI required');
      return;
    }
    seen.push({
      kind: 'forward',
      method: request.method ?? 'GET',
      url: target.href,
      ...credentialsOf(request),
    });
    if (refused(request)) {
      response.writeHead(407, { 'proxy-authenticate': 'Basic realm="proxy"' }).end();
      return;
    }
    const headers = { ...request.headers };
    delete headers['proxy-connection'];
    delete headers['proxy-authorization'];
    const upstream = http.request(target, { method: request.method, headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    upstream.on('error', () => response.destroy());
    response.on('close', () => upstream.destroy());
    request.pipe(upstream);
  };
  const server = options.tls ? https.createServer(options.tls, handle) : http.createServer(handle);
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('connect', (request, client, head) => {
    const target = request.url ?? '';
    seen.push({ kind: 'tunnel', target, ...credentialsOf(request) });
    if (refused(request)) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n');
      return;
    }
    const [host, port] = splitTarget(target);
    const upstream = net.connect(port, host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    sockets.add(upstream);
    upstream.once('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'));
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    seen,
    pathsTo: (origin) =>
      seen.flatMap((entry) =>
        entry.kind === 'forward' && new URL(entry.url).origin === origin
          ? [new URL(entry.url).pathname]
          : [],
      ),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A proxy address where nothing listens: a port the system gave out and took back. */
export async function unreachableProxyUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

function credentialsOf(request: http.IncomingMessage): { credentials?: string } {
  const header = request.headers['proxy-authorization'];
  return header ? { credentials: header } : {};
}

function splitTarget(target: string): [string, number] {
  const separator = target.lastIndexOf(':');
  return [target.slice(0, separator).replace(/^\[|\]$/g, ''), Number(target.slice(separator + 1))];
}
