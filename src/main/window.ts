import { BrowserWindow, nativeTheme } from 'electron';
import { fileURLToPath } from 'node:url';
import { rendererEntryUrl } from './rendererOrigin';
import type { createWindowState } from './windowState';

const preload = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));

export function createMainWindow(
  state: ReturnType<typeof createWindowState>,
  { show }: { show: boolean },
): BrowserWindow {
  const window = new BrowserWindow({
    ...state.restore(),
    minWidth: 480,
    minHeight: 400,
    show: false,
    title: 'Splattr Companion',
    // Matches the page's background so the window does not flash white before it paints.
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#17171c' : '#f7f7f9',
    autoHideMenuBar: true,
    // Spelled out here, not spread from a constant, so electronegativity can read them.
    webPreferences: {
      preload,
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
      // Middle-click would otherwise ask to open a link in a new window.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  state.track(window);
  if (show) window.once('ready-to-show', () => window.show());
  void window.loadURL(rendererEntryUrl());
  return window;
}
