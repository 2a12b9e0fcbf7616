import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

async function manifest(file: string): Promise<Record<string, Record<string, string>>> {
  return JSON.parse(await readFile(file, 'utf8')) as Record<string, Record<string, string>>;
}

const major = (version: string) => Number(/\d+/.exec(version)?.[0]);

describe('the Node the tests run on', () => {
  it('is the major Electron embeds, which runs the bridge in the field, whatever the system has', async () => {
    // Electron's package types its Node API with the @types/node of the Node it embeds.
    const electron = await manifest('node_modules/electron/package.json');
    const embedded = major(electron.dependencies!['@types/node']!);
    expect(embedded).toBeGreaterThanOrEqual(22);
    expect(major(process.versions.node)).toBe(embedded);
    expect(major((await manifest('package.json')).engines!.node!)).toBe(embedded);
  });

  it('is an LTS release that keytar loads in and oidc-provider accepts without a warning', async () => {
    expect(process.release.lts).toBeTruthy();
    const { stdout, stderr } = await run(process.execPath, [
      '--input-type=module',
      '-e',
      [
        "import { createRequire } from 'node:module';",
        "const keytar = createRequire(import.meta.url)('keytar');",
        "await import('oidc-provider');",
        'console.log(typeof keytar.getPassword);',
      ].join(' '),
    ]);
    expect(stdout.trim()).toBe('function');
    expect(stderr).not.toMatch(/Unsupported runtime/);
  });
});
