import { app, session, shell, type WebContents, type WebFrameMain } from 'electron';
import { isAllowedExternalUrl } from './externalLinks';
import { isRendererUrl } from './rendererOrigin';

/** The one web preference set every window uses: the page is an untrusted browser page. */
export const SECURE_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  spellcheck: false,
} as const;

/** Only the main frame of our own window, showing our own UI, may call the API. */
export function isTrustedSender(frame: WebFrameMain | null, window: WebContents | undefined) {
  return (
    frame !== null && window !== undefined && frame === window.mainFrame && isRendererUrl(frame.url)
  );
}

/** Opens a link in the system browser when it is allowed, and says whether it did. */
export async function openExternalSafely(link: string, serverUrl?: string): Promise<boolean> {
  if (!isAllowedExternalUrl(link, serverUrl)) return false;
  await shell.openExternal(link);
  return true;
}

/**
 * Denies everything a page could ask for beyond showing itself: permissions (except copying the
 * sign-in link to the clipboard from our own UI), requests to anything but our own UI, navigation,
 * new windows (https links go to the system browser instead) and <webview>.
 */
export function hardenApp(): void {
  const ses = session.defaultSession;
  const ownClipboardWrite = (permission: string, origin: string) =>
    permission === 'clipboard-sanitized-write' && isRendererUrl(origin);
  ses.setPermissionRequestHandler((contents, permission, callback, details) =>
    callback(ownClipboardWrite(permission, details.requestingUrl)),
  );
  ses.setPermissionCheckHandler((_contents, permission, origin) =>
    ownClipboardWrite(permission, origin),
  );
  ses.setDevicePermissionHandler(() => false);
  ses.webRequest.onBeforeRequest((details, callback) => {
    const local = isRendererUrl(details.url) || details.url.startsWith('devtools:');
    callback({ cancel: !local });
  });

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (url.startsWith('https:')) void openExternalSafely(url);
      return { action: 'deny' };
    });
  });
}
