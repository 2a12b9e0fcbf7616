import { app, type BrowserWindow } from 'electron';
import type { CompanionEvent } from '../shared/api';
import type { Connection } from '../shared/connection';
import { createCompanionService, type CompanionService } from '../core/service';
import { DEEP_LINK_SCHEME, findDeepLink, parseDeepLink } from './deepLink';
import { registerIpc, sendEvent } from './ipc';
import { installAppLauncher } from '../core/appLauncher';
import { bridgeLauncher } from './launcher';
import { loginItem, openedAtLogin } from './loginItem';
import { notifyNeedsSignIn } from './notifications';
import { registerRendererScheme, serveRenderer } from './rendererOrigin';
import { hardenApp, openExternalSafely } from './security';
import { createTray } from './tray';
import { createMainWindow } from './window';
import { createWindowState } from './windowState';

let window: BrowserWindow | undefined;
let quitting = false;
function ui() {
  return window && !window.isDestroyed() ? window.webContents : undefined;
}

/** Events that come before the page has loaded (a deep link that launched the app) wait for it. */
const beforeLoad: CompanionEvent[] = [];

function toUi(event: CompanionEvent): void {
  const contents = ui();
  if (contents && !contents.isLoadingMainFrame()) sendEvent(contents, event);
  else beforeLoad.push(event);
}

function showWindow(): void {
  if (!window || window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

function handleDeepLink(link: string | undefined): void {
  const parsed = link ? parseDeepLink(link) : null;
  if (!parsed) return;
  showWindow();
  // The page asks the person to confirm: a website must not add a connection on its own.
  toUi({ type: 'deep-link-add', client: parsed.client });
}

function focusConnection(id: string): void {
  showWindow();
  toUi({ type: 'focus-connection', id });
}

async function start(): Promise<void> {
  await app.whenReady();
  hardenApp();
  serveRenderer();

  let service: CompanionService | undefined;
  const launcher = await installAppLauncher(bridgeLauncher());
  service = await createCompanionService({
    launcher,
    env: process.env,
    loginItem: loginItem(launcher.command),
    openBrowser: async (url) => {
      const settings = await service?.getSettings({});
      if (!(await openExternalSafely(url, settings?.serverUrl))) {
        throw new Error('Refused to open a sign-in address that is not Splattr’s.');
      }
    },
  });

  const tray = createTray({ open: showWindow, quit: () => app.quit() });
  const refreshTray = (connections: readonly Connection[]) => tray.update(connections);
  service.onEvent((event) => {
    if (event.type === 'connections-changed') refreshTray(event.connections);
    if (event.type === 'needs-sign-in') notifyNeedsSignIn(event.connection, focusConnection);
    toUi(event);
  });
  refreshTray(await service.listConnections({}));
  // Each start: if the app moved or was updated, the clients' entries follow it.
  const healed = await service.healEntries();
  if (healed.clients.length > 0) toUi({ type: 'entries-healed', ...healed });

  registerIpc(service, ui);

  const state = createWindowState();
  // Opened by the OS at login, the app waits in the tray until someone needs it.
  window = createMainWindow(state, { show: !openedAtLogin() });
  window.webContents.on('did-finish-load', () => {
    for (const event of beforeLoad.splice(0)) sendEvent(ui(), event);
  });
  // Closing the window keeps the app in the tray, so it can still say when a sign-in is needed.
  window.on('close', (event) => {
    if (!quitting) {
      event.preventDefault();
      window?.hide();
    }
  });

  app.on('activate', showWindow);
  app.on('before-quit', () => {
    quitting = true;
  });
  app.on('will-quit', (event) => {
    if (!service) return;
    event.preventDefault();
    const closing = service;
    service = undefined;
    tray.destroy();
    void closing.dispose().finally(() => app.exit(0));
  });

  handleDeepLink(findDeepLink(process.argv));
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerRendererScheme();
  // In development the executable is Electron itself, so it must be told which script to run.
  if (process.defaultApp && process.argv[1]) {
    app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME, process.execPath, [process.argv[1]]);
  } else {
    app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);
  }
  app.on('second-instance', (_event, argv) => {
    showWindow();
    handleDeepLink(findDeepLink(argv));
  });
  app.on('open-url', (event, url) => {
    event.preventDefault();
    handleDeepLink(url);
  });
  start().catch((error: unknown) => {
    console.error('Splattr Companion could not start:', error);
    app.exit(1);
  });
}
