import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';

/**
 * A fresh empty folder for each test (`prefix` names it), removed after the test. Returns a
 * getter, as `withSandbox` does: the folder exists only once `beforeEach` has run.
 */
export function withTempDir(prefix: string): () => string {
  let dir: string | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  });
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });
  return () => {
    if (!dir) throw new Error('The folder is made for each test: use it inside a test or hook.');
    return dir;
  };
}
