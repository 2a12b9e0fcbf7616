import fs from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import type { BridgeEntry } from '../../../src/core/bridgeEntry';
import type { ClientContext, McpClient } from '../../../src/core/clients';
import { companionError } from '../companionError';

/**
 * Adding, removing and reading all refuse the client's config (already written with
 * `original`) with `config_invalid`, naming the file and saying `says`; nothing is written,
 * not even a backup or a lock beside it.
 */
export async function expectRefusedUnchanged(
  client: McpClient,
  entry: BridgeEntry,
  ctx: ClientContext,
  original: Buffer,
  says: string,
): Promise<void> {
  const file = client.configPath(ctx);
  for (const attempt of [
    () => client.addEntry(entry, { replace: true }, ctx),
    () => client.removeEntry({}, ctx),
    () => client.readEntry(ctx),
  ]) {
    const error = await companionError(attempt());
    expect(error).toMatchObject({ code: 'config_invalid' });
    expect(error.message).toContain(file);
    expect(error.message).toContain(says);
  }
  expect(await fs.readFile(file)).toEqual(original);
  const name = path.basename(file);
  const beside = await fs.readdir(path.dirname(file));
  expect(beside.filter((n) => n.startsWith(name))).toEqual([name]);
}
