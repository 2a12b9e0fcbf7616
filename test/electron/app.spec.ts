import { expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { API_METHODS, type CompanionApi } from '../../src/shared/api';
import { CLIENT_IDS } from '../../src/shared/clients';
import { electronBinary, launchApp, SKIP_REASON } from './electronApp';

declare global {
  interface Window {
    /** What the preload exposes (src/preload/index.ts). */
    splattr: CompanionApi;
  }
}

const binary = electronBinary();
if (!binary) console.warn(`Skipping the Electron tests: ${SKIP_REASON}`);
test.skip(!binary, SKIP_REASON);

let app: ElectronApplication;
let page: Page;

test.beforeAll(async () => {
  app = await launchApp(binary!);
  page = await app.firstWindow();
  await page.getByRole('heading', { name: 'Apps on this computer' }).waitFor();
});

test.afterAll(async () => {
  await app?.close();
});

test('opens one window on the packaged UI origin', async () => {
  expect(await page.title()).toBe('Splattr Companion');
  expect(page.url()).toBe('app://renderer/index.html');
  expect(app.windows()).toHaveLength(1);
});

test('exposes window.splattr, typed by the API table, and nothing of Node or Electron', async () => {
  const exposed = await page.evaluate(() => ({
    keys: Object.keys(window.splattr).sort(),
    require: typeof (window as { require?: unknown }).require,
    process: typeof (window as { process?: unknown }).process,
    module: typeof (window as { module?: unknown }).module,
    electron: typeof (window as { electron?: unknown }).electron,
  }));
  expect(exposed.keys).toEqual([...Object.keys(API_METHODS), 'onEvent'].sort());
  expect(exposed).toMatchObject({
    require: 'undefined',
    process: 'undefined',
    module: 'undefined',
    electron: 'undefined',
  });
});

test('answers calls over IPC and refuses bad arguments with a coded error', async () => {
  const clients = await page.evaluate(() => window.splattr.listClients({}));
  expect(clients.map((c) => c.id).sort()).toEqual([...CLIENT_IDS].sort());

  const refused = await page.evaluate(() =>
    window.splattr.add({ client: 'notepad' as 'cursor' }).then(
      () => null,
      (error: { code?: string; message?: string }) => ({ ...error }),
    ),
  );
  expect(refused).toEqual({ code: 'invalid_input', message: 'The request was not understood.' });
});

test('loads nothing but its own code, under a strict CSP', async () => {
  const csp = await page
    .locator('meta[http-equiv="Content-Security-Policy"]')
    .getAttribute('content');
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("script-src 'self'");
  const scripts = await page.evaluate(() =>
    [...document.scripts].map((script) => new URL(script.src, location.href).origin),
  );
  expect(new Set(scripts)).toEqual(new Set(['app://renderer']));
});

test('does not navigate away, open windows or grant permissions', async () => {
  // .invalid never resolves, so nothing leaves the machine even if a check failed.
  await page.evaluate(() => {
    window.location.href = 'https://splattr.invalid/';
  });
  const opened = await page.evaluate(() => window.open('https://splattr.invalid/') === null);
  const camera = await page.evaluate(
    () =>
      navigator.mediaDevices?.getUserMedia({ video: true }).then(
        () => 'granted',
        () => 'denied',
      ) ?? 'denied',
  );
  expect(page.url()).toBe('app://renderer/index.html');
  expect(opened).toBe(true);
  expect(app.windows()).toHaveLength(1);
  expect(camera).toBe('denied');
});
