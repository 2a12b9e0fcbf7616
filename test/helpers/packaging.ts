import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { listPackage, statFile } from '@electron/asar';
import { Platform, build } from 'electron-builder';

export interface PackagedApp {
  /** Every file in app.asar, relative to the app's root (`out/main/index.js`). */
  packed: string[];
  /** Every file beside it in app.asar.unpacked, relative the same way. */
  unpacked: string[];
}

/**
 * Packages the app as `npm run dist` would for Linux, into a folder (electron-builder's `dir`
 * target), with the project's electron-builder.yml. Only what this machine cannot do is changed:
 * Electron's binary is absent (a stand-in folder takes its place, so there are no fuses to flip),
 * and native modules are not rebuilt against Electron's headers, which cannot be downloaded here
 * (the attempt deletes keytar's own build first). The file set is electron-builder's.
 */
export async function packageApp(workDir: string): Promise<PackagedApp> {
  const electronDist = path.join(workDir, 'electron-stand-in');
  await mkdir(electronDist, { recursive: true });
  await writeFile(path.join(electronDist, 'electron'), '');
  await chmod(path.join(electronDist, 'electron'), 0o755);

  const release = path.join(workDir, 'release');
  await build({
    targets: Platform.LINUX.createTarget('dir'),
    publish: 'never',
    config: {
      electronDist,
      electronFuses: null,
      npmRebuild: false,
      directories: { output: release },
    },
  });

  const resources = path.join(release, 'linux-unpacked', 'resources');
  const archive = path.join(resources, 'app.asar');
  const unpackedRoot = path.join(resources, 'app.asar.unpacked');
  const packed = listPackage(archive, { isPack: false })
    .map((entry) => entry.slice(1))
    .filter((entry) => !('files' in statFile(archive, entry)));
  const unpacked = (await readdir(unpackedRoot, { recursive: true, withFileTypes: true }))
    .filter((entry) => !entry.isDirectory())
    .map((entry) => path.relative(unpackedRoot, path.join(entry.parentPath, entry.name)));
  return { packed, unpacked };
}
