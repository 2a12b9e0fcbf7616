import { readFile, writeFile, chmod } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { browserCommand, openSystemBrowser } from '../../../src/core/oauth/openBrowser';
import { withTempDir } from '../../helpers/tempDir';

const URL_WITH_QUERY = 'http://127.0.0.1:4100/auth?client_id=a&state=b c&scope=openid%20email';

describe('system browser opener', () => {
  const dir = withTempDir('open-browser-');

  it('runs $BROWSER with the URL as one argument, never through a shell', async () => {
    const out = path.join(dir(), 'args.json');
    const script = path.join(dir(), 'fake-browser.mjs');
    await writeFile(
      script,
      `#!${process.execPath}\nimport { writeFileSync } from 'node:fs';\n` +
        `writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.argv.slice(2)));\n`,
    );
    await chmod(script, 0o755);
    await openSystemBrowser(URL_WITH_QUERY, { ...process.env, BROWSER: script });
    const args = await waitForFile(out);
    expect(JSON.parse(args)).toEqual([URL_WITH_QUERY]);
  });

  it('fails clearly when the opener cannot be started', async () => {
    await expect(
      openSystemBrowser(URL_WITH_QUERY, { ...process.env, BROWSER: path.join(dir(), 'missing') }),
    ).rejects.toMatchObject({ code: 'sign_in_failed', message: expect.stringContaining('Copy') });
  });

  it('reads $BROWSER as Python does: first entry, %s placeholder, else URL last', () => {
    expect(browserCommand('U', { BROWSER: 'firefox --new-tab %s:lynx' }, 'linux')).toEqual([
      'firefox',
      ['--new-tab', 'U'],
    ]);
    expect(browserCommand('U', { BROWSER: 'w3m' }, 'linux')).toEqual(['w3m', ['U']]);
  });

  it('uses the platform opener otherwise', () => {
    expect(browserCommand('U', {}, 'linux')).toEqual(['xdg-open', ['U']]);
    expect(browserCommand('U', {}, 'darwin')).toEqual(['open', ['U']]);
    expect(browserCommand('U', {}, 'win32')).toEqual([
      'rundll32.exe',
      ['url.dll,FileProtocolHandler', 'U'],
    ]);
  });
});

/** The opener is detached, so its effect arrives a moment later; bounded wait. */
async function waitForFile(file: string): Promise<string> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (text) return text;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${file} was never written`);
}
