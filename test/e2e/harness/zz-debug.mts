import { chromium } from 'playwright-core';
import { startHarness } from './index';
import { createFakeCompanion } from './fakeCompanion';
const fake = createFakeCompanion();
fake.seed([
  {
    id: 'c1',
    client: 'cursor',
    serverUrl: 'https://x/mcp',
    status: 'connected',
    account: { email: 'a@b.c' },
    createdAt: new Date().toISOString(),
  },
]);
const h = await startHarness({ impl: fake.impl });
const b = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
const p = await b.newPage({ viewport: { width: 920, height: 720 } });
await p.addInitScript(h.initScript);
await p.goto(h.url);
await p.getByRole('button', { name: 'Remove Cursor' }).focus();
await p.keyboard.press('Enter');
await p.getByRole('alertdialog').waitFor();
console.log('in dialog', await p.evaluate(() => document.activeElement?.outerHTML));
await p.keyboard.press('Escape');
await p.getByRole('alertdialog').waitFor({ state: 'detached' });
console.log('after', await p.evaluate(() => document.activeElement?.outerHTML.slice(0, 200)));
await p.waitForTimeout(300);
console.log('later', await p.evaluate(() => document.activeElement?.outerHTML.slice(0, 200)));
await b.close();
await h.close();
