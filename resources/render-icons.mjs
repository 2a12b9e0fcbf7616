// Renders icon.svg into the PNGs the app and its installers use, with the same headless Chromium
// the UI tests use: `node resources/render-icons.mjs`. The PNGs are committed; run this only
// after changing icon.svg.
import { chromium } from 'playwright-core';
import { readFile } from 'node:fs/promises';

const dir = new URL('./', import.meta.url);
const svg = await readFile(new URL('icon.svg', dir), 'utf8');
const outputs = [
  ['icon.png', 512, 0],
  ['tray.png', 16, 0],
  ['tray@2x.png', 32, 0],
];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
try {
  for (const [name, size] of outputs) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    await page.setContent(
      `<style>html,body{margin:0;background:transparent}svg{display:block;width:${size}px;height:${size}px}</style>${svg}`,
    );
    await page.screenshot({ path: new URL(name, dir).pathname, omitBackground: true });
    await page.close();
  }
} finally {
  await browser.close();
}
