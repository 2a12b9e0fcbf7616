import { build } from 'esbuild';
import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CompanionApi } from '../../../src/shared/api';
import { dispatchApiCall } from '../../../src/shared/apiServer';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const DEFAULT_RENDERER_DIR = path.join(root, 'out', 'renderer');
const MAX_BODY_BYTES = 64 * 1024;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export interface Harness {
  /** The page to open: the built renderer, served from 127.0.0.1. */
  url: string;
  /**
   * The script that stands in for the preload: give it to Playwright's `page.addInitScript` so
   * `window.splattr` exists before the app's own script runs (the app's CSP stays as it ships).
   */
  initScript: string;
  /** Resolves once a page is listening for events (events sent before that are not replayed). */
  whenSubscribed(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  impl: CompanionApi;
  /** The built renderer (default out/renderer, made by `npm run build`). */
  rendererDir?: string;
}

let initScript: Promise<string> | undefined;

/** The browser client bundled from the same src/shared/apiClient.ts the preload uses. */
function bundleInitScript(): Promise<string> {
  initScript ??= build({
    entryPoints: [fileURLToPath(new URL('browserClient.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    logLevel: 'silent',
  }).then((result) => result.outputFiles[0]!.text);
  return initScript;
}

async function readBody(request: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : {};
}

/**
 * Serves the built renderer and implements the preload's API over HTTP on 127.0.0.1:
 * `POST /__api/<method>` answers dispatchApiCall's ApiResult (the same validation as the IPC
 * handler in main) and `GET /__events` streams CompanionEvents as Server-Sent Events.
 */
export async function startHarness({
  impl,
  rendererDir = DEFAULT_RENDERER_DIR,
}: HarnessOptions): Promise<Harness> {
  const index = path.join(rendererDir, 'index.html');
  if (!(await stat(index).catch(() => null))) {
    throw new Error(
      `The renderer is not built (${index} is missing): run \`npm run build\` first.`,
    );
  }
  const script = await bundleInitScript();
  const streams = new Set<http.ServerResponse>();
  let subscribed: () => void = () => {};
  const firstSubscriber = new Promise<void>((resolve) => (subscribed = resolve));

  async function serveFile(pathname: string, response: http.ServerResponse): Promise<void> {
    const file = path.normalize(path.join(rendererDir, pathname === '/' ? 'index.html' : pathname));
    const body = file.startsWith(rendererDir + path.sep)
      ? await readFile(file).catch(() => null)
      : null;
    if (!body) {
      response.writeHead(404).end('Not found');
      return;
    }
    response.writeHead(200, {
      'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    response.end(body);
  }

  function serveEvents(response: http.ServerResponse): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    response.write(': subscribed\n\n');
    streams.add(response);
    const unsubscribe = impl.onEvent((event) =>
      response.write(`data: ${JSON.stringify(event)}\n\n`),
    );
    response.on('close', () => {
      unsubscribe();
      streams.delete(response);
    });
    subscribed();
  }

  const server = http.createServer((request, response) => {
    const { pathname } = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (request.method === 'POST' && pathname.startsWith('/__api/')) {
      readBody(request)
        .then(
          (body) => dispatchApiCall(impl, decodeURIComponent(pathname.slice(7)), body),
          () => dispatchApiCall(impl, undefined, undefined),
        )
        .then((result) => {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify(result));
        })
        .catch(() => response.writeHead(500).end());
    } else if (request.method === 'GET' && pathname === '/__events') {
      serveEvents(response);
    } else if (request.method === 'GET') {
      serveFile(decodeURIComponent(pathname), response).catch(() => response.writeHead(500).end());
    } else {
      response.writeHead(405).end();
    }
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/`,
    initScript: script,
    whenSubscribed: () => firstSubscriber,
    close: async () => {
      for (const stream of streams) stream.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
