import { app, net, protocol } from 'electron';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The packaged UI is served from a private `app://renderer/` origin rather than file://, as
 * Electron's security guide recommends: the page gets a real origin for its CSP ('self'), file://
 * keeps no extra privileges (the GrantFileProtocolExtraPrivileges fuse is off) and no other file
 * on disk is reachable from the page.
 */
const SCHEME = 'app';
const HOST = 'renderer';
const rendererDir = fileURLToPath(new URL('../renderer/', import.meta.url));

/** electron-vite's dev server, only ever trusted in an unpackaged app. */
function devServerUrl(): string | undefined {
  return app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
}

/** Must run before the app is ready. */
export function registerRendererScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** Serves out/renderer under app://renderer/, refusing any path that escapes it. */
export function serveRenderer(): void {
  protocol.handle(SCHEME, (request) => {
    const url = new URL(request.url);
    const file = path.normalize(path.join(rendererDir, decodeURIComponent(url.pathname)));
    if (url.host !== HOST || !file.startsWith(rendererDir)) {
      return new Response('Not found', { status: 404 });
    }
    return net.fetch(pathToFileURL(file).toString());
  });
}

export function rendererEntryUrl(): string {
  return devServerUrl() ?? `${SCHEME}://${HOST}/index.html`;
}

/** Whether a URL belongs to our own UI (the packaged origin, or the dev server in development). */
export function isRendererUrl(link: string): boolean {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return false;
  }
  // WHATWG URL gives custom schemes an opaque ("null") origin, so compare scheme and host.
  if (url.protocol === `${SCHEME}:` && url.host === HOST) return true;
  const dev = devServerUrl();
  // The dev server's hot reload talks over ws:// to the same host.
  return (
    dev !== undefined &&
    url.host === new URL(dev).host &&
    (url.protocol === 'http:' || url.protocol === 'ws:')
  );
}
