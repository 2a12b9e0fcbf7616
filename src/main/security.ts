import { app, session, shell, type WebContents, type WebFrameMain } from 'electron';
import { isAllowedExternalUrl } from './externalLinks';
import { isRendererUrl } from './rendererOrigin';

/** Only the main frame of our own window, showing our own UI, may call the API. */
export function isTrustedSender(
  sender: WebContents,
  frame: WebFrameMain | null,
  window: WebContents | undefined,
): boolean {
  return (
    window !== undefined &&
    sender.id === window.id &&
    frame !== null &&
    frame.parent === null &&
    isRendererUrl(frame.url)
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
