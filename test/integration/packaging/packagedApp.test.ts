import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageApp, type PackagedApp } from '../../helpers/packaging';

/** The project's files that are not the app: sources (the sandbox's too), tests and their support, bench, scripts. */
const NOT_THE_APP = [
  'src/',
  'test/',
  'support/',
  'bench/',
  'scripts/',
  'out/failpoints/',
  'out/cli/',
];
const APP_SOURCES = [
  'src/main',
  'src/preload',
  'src/renderer',
  'src/core',
  'src/shared',
  'src/bridge',
];
const DEV_SOURCES = ['src/sandbox', 'test', 'support', 'bench'];
const MANIFEST = /^(?:.*\/)?node_modules\/((?:@[^/]+\/)?[^/]+)\/package\.json$/;

/** The npm packages the code under `folders` imports (keytar is loaded with createRequire(…)('keytar')). */
async function packagesImportedBy(folders: string[]): Promise<Set<string>> {
  const names = new Set<string>();
  for (const folder of folders) {
    const entries = await readdir(folder, { recursive: true, withFileTypes: true });
    for (const entry of entries.filter((e) => e.isFile() && /\.(ts|tsx|mjs)$/.test(e.name))) {
      const text = await readFile(path.join(entry.parentPath, entry.name), 'utf8');
      for (const [, specifier = ''] of text.matchAll(
        /(?:from|import\(|require\(|\)\()\s*'([^'.][^']*)'/g,
      )) {
        if (specifier.startsWith('node:')) continue;
        const parts = specifier.split('/');
        names.add(parts.slice(0, specifier.startsWith('@') ? 2 : 1).join('/'));
      }
    }
  }
  return names;
}

describe('what packaging puts in the app (electron-builder with electron-builder.yml)', () => {
  let workDir: string;
  let app: PackagedApp;
  let files: string[];

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'splattr-package-'));
    app = await packageApp(workDir);
    files = [...app.packed, ...app.unpacked];
  }, 180_000);
  afterAll(async () => {
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('holds what the app runs, with the bridge and keytar outside the archive for the clients', () => {
    expect(app.packed).toEqual(
      expect.arrayContaining(['out/main/index.js', 'out/preload/index.cjs', 'package.json']),
    );
    expect(app.packed.some((f) => f.startsWith('out/renderer/assets/'))).toBe(true);
    expect(app.unpacked).toEqual(
      expect.arrayContaining([
        'out/bridge/bridge.mjs',
        'out/bridge/run.mjs',
        'node_modules/keytar/build/Release/keytar.node',
      ]),
    );
  });

  it('holds none of the sandbox, tests, bench, build scripts or sources, nor the crash tests’ build', () => {
    expect(files.filter((f) => NOT_THE_APP.some((prefix) => f.startsWith(prefix)))).toEqual([]);
  });

  it('holds no package that only the sandbox, tests or bench import', async () => {
    const appImports = await packagesImportedBy(APP_SOURCES);
    const devOnly = [...(await packagesImportedBy(DEV_SOURCES))].filter((n) => !appImports.has(n));
    expect(devOnly).toEqual(expect.arrayContaining(['oidc-provider', 'express']));

    const shipped = files.map((f) => MANIFEST.exec(f)?.[1]).filter((name) => name !== undefined);
    expect(shipped).toContain('keytar');
    expect(devOnly.filter((name) => shipped.includes(name))).toEqual([]);
  });
});
