import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';

/** Shorter strings could match by chance; every real token is far longer. */
const MIN_SECRET_LENGTH = 8;

/**
 * Fails when any file under `dirs` (recursively, symlinks not followed) contains one of
 * `secrets`. The failure names the files and which secret (by position), never the secret.
 */
export async function expectNoSecretsUnder(
  dirs: string[],
  secrets: Iterable<string | undefined>,
): Promise<void> {
  const needles = [...secrets].filter(
    (s): s is string => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH,
  );
  expect(
    needles.length,
    'expectNoSecretsUnder needs at least one secret to look for',
  ).toBeGreaterThan(0);
  const found: string[] = [];
  for (const dir of dirs) {
    for (const file of await filesUnder(dir)) {
      const content = await readFile(file).catch(() => undefined);
      if (!content) continue;
      needles.forEach((needle, index) => {
        if (content.includes(needle)) found.push(`${file} contains secret #${index}`);
      });
    }
  }
  expect(found, 'secrets found in files').toEqual([]);
}

async function filesUnder(dir: string): Promise<string[]> {
  const info = await lstat(dir).catch(() => undefined);
  if (!info) return [];
  if (info.isFile()) return [dir];
  if (!info.isDirectory()) return [];
  // A bridge still running may remove a lock folder between the two calls, as it may a file.
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  const nested = await Promise.all(entries.map((name) => filesUnder(path.join(dir, name))));
  return nested.flat();
}
