import fs from 'node:fs/promises';
import path from 'node:path';
import {
  applyEdits,
  findNodeAtLocation,
  format,
  modify,
  parse,
  parseTree,
  printParseErrorCode,
  type FormattingOptions,
  type JSONPath,
  type Node as JsonNode,
  type ParseError,
} from 'jsonc-parser';
import writeFileAtomic from 'write-file-atomic';
import { CompanionError } from '../../shared/errors';
import { CONFIG_ENTRY_KEY } from '../../shared/server';
import { withLock } from '../lock';

/*
 * Edits one server entry of an MCP client's config in place: the file handling (lock, atomic
 * write, mode, backup, symlinks, read-only) is the same for every format; a ConfigFormat finds
 * and replaces the entry. JSON(C) is below; TOML is in tomlConfig.ts.
 *
 * The JSON(C) format edits one server entry. Only the bytes of that
 * entry change: other servers and keys, comments, trailing commas, indentation, line endings and
 * a BOM stay as they were. jsonc-parser finds where to edit; the inserted value is formatted to
 * match the file (format() limited to our own range, because modify()'s formatting re-lays out
 * whole neighbouring lines). Known limit of jsonc-parser's removal: a comment placed between the
 * previous server and ours goes with our entry.
 */

/** Where one file format keeps its servers, and how it changes one of them. */
export interface ConfigFormat {
  /** The value under our key (undefined when absent); throws `config_invalid` for a bad file. */
  read(text: string, file: string, key: string): unknown;
  /** The text with our key set to `value`, or removed when it is undefined. */
  write(text: string, file: string, key: string, value: unknown): string;
}

/** JSON with comments, servers under `serversKey` (`mcpServers` for most clients). */
export function jsonFormat(serversKey = 'mcpServers'): ConfigFormat {
  return {
    read: (text, file, key) => parseDocument(text, file, serversKey).servers?.[key],
    write(text, file, key, value) {
      const doc = parseDocument(text, file, serversKey);
      const edited = setValue(doc.text, [serversKey, key], value);
      return edited === doc.text ? text : `${edited}${doc.empty ? '\n' : ''}`;
    },
  };
}

const MCP_SERVERS_JSON = jsonFormat();
const BOM = '\uFEFF';
const NEW_FILE_MODE = 0o600;
const BACKUP_MODE = 0o600;
/**
 * An edit takes milliseconds, so a lock left by a crashed one is taken over soon, and another
 * program's edit of the same file is waited for about 10 s before giving up.
 */
const LOCK_TIMING = { staleMs: 5_000, waitMs: 10_000 };

export function backupPath(file: string): string {
  return `${file}.splattr-backup`;
}

/** The lock (a folder) held while a config file is edited, beside it. */
export function configLockPath(file: string): string {
  return `${file}.splattr-lock`;
}

/** The value of our server entry, or undefined. A missing file reads as empty. */
export async function readConfigEntry(
  file: string,
  key = CONFIG_ENTRY_KEY,
  format = MCP_SERVERS_JSON,
): Promise<unknown> {
  const target = await resolveTarget(file);
  return format.read(decode(await readBytes(target, file), file).text, file, key);
}

/**
 * Replaces the server entry `key` with `update(current)` (undefined removes it) under a cross-process
 * lock, atomically, keeping the file's mode and writing through a symlink to its target. The
 * first change this app makes to a file is preceded by `<file>.splattr-backup`, which goes when
 * the entry does. `update` may throw to refuse; nothing is written then. Answers whether the
 * file changed.
 */
export async function editConfigEntry(
  file: string,
  update: (current: unknown) => unknown,
  key = CONFIG_ENTRY_KEY,
  format = MCP_SERVERS_JSON,
): Promise<boolean> {
  const target = await resolveTarget(file);
  const plan = (bytes: Buffer | undefined) => planEdit(bytes, file, key, update, format);
  // A first look without the lock, so that a no-op (removing what is not there) touches nothing.
  if (plan(await readBytes(target, file)) === undefined) return false;

  const dir = path.dirname(target);
  await fs.mkdir(dir, { recursive: true }).catch((error: unknown) => fail(error, file));
  const busy = () => new CompanionError('busy', busyMessage(file));
  return withLock(
    target,
    async (lock) => {
      const bytes = await readBytes(target, file);
      const next = plan(bytes);
      if (next === undefined) return false;
      await assertWritable(dir, file);
      if (bytes) await assertWritable(target, file);
      // A removal needs none: what it takes out is ours, and the backup goes with it (below).
      if (bytes && !next.removesEntry) await writeBackup(file, bytes);
      lock.assertHeld();
      await writeFileAtomic(target, next.bytes, bytes ? {} : { mode: NEW_FILE_MODE }).catch(
        (error: unknown) => fail(error, file),
      );
      if (next.removesEntry) await removeBackup(file, key, format);
      return true;
    },
    { ...LOCK_TIMING, lockfilePath: configLockPath(target), whenBusy: busy },
  ).catch((error: unknown) => fail(error, file));
}

/**
 * Before another program (a client's own CLI) changes the file for us: refuses what
 * editConfigEntry would refuse (read-only file or folder) and keeps the same one backup.
 */
export async function prepareOutsideEdit(file: string): Promise<void> {
  const target = await resolveTarget(file);
  const bytes = await readBytes(target, file);
  await assertWritable(path.dirname(target), file);
  if (!bytes) return;
  await assertWritable(target, file);
  await writeBackup(file, bytes);
}

interface ConfigDocument {
  /** The text; `{}` for an empty file. */
  text: string;
  empty: boolean;
  servers: Record<string, unknown> | undefined;
}

/** The file's text without its BOM (kept aside to be written back); refuses what is not UTF-8. */
function decode(bytes: Buffer | undefined, file: string): { bom: boolean; text: string } {
  const raw = bytes?.toString('utf8') ?? '';
  // Refuse what would not survive a round trip through a string, to keep the byte-for-byte promise.
  if (bytes && !Buffer.from(raw, 'utf8').equals(bytes)) {
    throw new CompanionError(
      'config_invalid',
      `${file} is not a UTF-8 text file, so it was left unchanged. Fix the file, then try again.`,
    );
  }
  const bom = raw.startsWith(BOM);
  return { bom, text: bom ? raw.slice(BOM.length) : raw };
}

/** The refusal of a file that does not parse, naming where (1-based line and column). */
export function unparsable(file: string, problem: string, line: number, column: number) {
  return new CompanionError(
    'config_invalid',
    `${file} could not be read: ${problem} at line ${line}, column ${column}. It was left unchanged; fix the file, then try again.`,
  );
}

/** The refusal of a file whose servers are not a table of servers. */
export function notServers(file: string, serversKey: string, kind = 'an object') {
  return new CompanionError(
    'config_invalid',
    `"${serversKey}" in ${file} is not ${kind}, so it was left unchanged. Fix the file, then try again.`,
  );
}

function parseDocument(body: string, file: string, serversKey: string): ConfigDocument {
  const empty = body.trim() === '';
  const text = empty ? '{}' : body;
  const errors: ParseError[] = [];
  const root: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  const [first] = errors;
  if (first) {
    const { line, column } = lineAndColumn(text, first.offset);
    const problem = printParseErrorCode(first.error)
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toLowerCase();
    throw unparsable(file, problem, line, column);
  }
  if (!isObject(root)) {
    throw new CompanionError(
      'config_invalid',
      `${file} does not hold a JSON object, so it was left unchanged. Fix the file, then try again.`,
    );
  }
  const servers = root[serversKey];
  if (servers !== undefined && !isObject(servers)) throw notServers(file, serversKey);
  return { text, empty, servers };
}

interface EditPlan {
  bytes: Buffer;
  removesEntry: boolean;
}

/** The new bytes of the file, or undefined when the update changes nothing. */
function planEdit(
  bytes: Buffer | undefined,
  file: string,
  key: string,
  update: (current: unknown) => unknown,
  format: ConfigFormat,
): EditPlan | undefined {
  const { bom, text } = decode(bytes, file);
  const current = format.read(text, file, key);
  const next = update(current);
  if (next === current) return undefined;
  const edited = format.write(text, file, key, next);
  if (edited === text) return undefined;
  return {
    bytes: Buffer.from(`${bom ? BOM : ''}${edited}`, 'utf8'),
    removesEntry: next === undefined,
  };
}

function setValue(text: string, jsonPath: JSONPath, value: unknown): string {
  const [edit] = modify(text, jsonPath, value, {});
  if (!edit) return text;
  const edited = applyEdits(text, [edit]);
  // A file kept on one line gets our entry on that line too (modify() writes compact JSON).
  const oneLine = !text.includes('\n') && !/^\{\s*\}$/.test(text.trim());
  if (value === undefined || edit.content === '' || oneLine) return edited;
  // An object with nothing in it yet is laid out whole, so `{}` becomes a readable block.
  const container = deepestObject(parseTree(text), jsonPath.slice(0, -1));
  const growth = edit.content.length - edit.length;
  const range =
    container && /^\{\s*\}$/.test(text.slice(container.offset, container.offset + container.length))
      ? { offset: container.offset, length: container.length + growth }
      : { offset: edit.offset, length: edit.content.length };
  return applyEdits(edited, format(edited, range, formattingOf(text)));
}

function deepestObject(root: JsonNode | undefined, jsonPath: JSONPath): JsonNode | undefined {
  for (let depth = jsonPath.length; depth >= 0 && root; depth--) {
    const node = findNodeAtLocation(root, jsonPath.slice(0, depth));
    if (node) return node.type === 'object' ? node : undefined;
  }
  return undefined;
}

/** The file's own style: tabs or spaces, the smallest indent width, and its line ending. */
function formattingOf(text: string): FormattingOptions {
  const eol = /\r\n/.test(text) ? '\r\n' : '\n';
  const indents = text
    .split(/\r?\n/)
    .map((line) => /^[\t ]+(?=\S)/.exec(line)?.[0])
    .filter((indent): indent is string => indent !== undefined);
  if (indents[0]?.startsWith('\t')) return { insertSpaces: false, tabSize: 1, eol };
  const widths = indents.filter((i) => !i.includes('\t')).map((i) => i.length);
  const tabSize = widths.length > 0 ? Math.min(8, ...widths) : 2;
  return { insertSpaces: true, tabSize, eol };
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** The file a path leads to, following symlinks even when the last one dangles. */
async function resolveTarget(file: string): Promise<string> {
  let current = path.resolve(file);
  // Bounded like the kernel's own limit on symlink chains.
  for (let hops = 0; hops < 40; hops++) {
    try {
      return await fs.realpath(current);
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') return fail(error, file);
    }
    const link = await fs.readlink(current).catch(() => undefined);
    if (link === undefined) return current;
    current = path.resolve(path.dirname(current), link);
  }
  throw new CompanionError('config_invalid', `${file} is a loop of symbolic links.`);
}

async function readBytes(target: string, file: string): Promise<Buffer | undefined> {
  try {
    return await fs.readFile(target);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    return fail(error, file);
  }
}

/**
 * Refuses a file or folder marked read-only even where the OS would let us through (root, or a
 * rename over a read-only file): a person who locked their config meant it.
 */
async function assertWritable(p: string, file: string): Promise<void> {
  const stat = await fs.stat(p).catch((error: unknown) => fail(error, file));
  const writable = await fs.access(p, fs.constants.W_OK).then(
    () => true,
    () => false,
  );
  if (!writable || (stat.mode & 0o222) === 0) throw unwritable(file);
}

/**
 * Written once, before our first change; never replaced, so it keeps the person's own version.
 * Private whatever the config's mode: it holds the other servers' entries, secrets included, and
 * would otherwise stay readable after the person tightens the config (an older backup made with
 * the config's mode is tightened here too).
 */
async function writeBackup(file: string, bytes: Buffer): Promise<void> {
  try {
    await fs.writeFile(backupPath(file), bytes, { flag: 'wx', mode: BACKUP_MODE });
  } catch (error) {
    if (errorCode(error) !== 'EEXIST') fail(error, file);
    await fs.chmod(backupPath(file), BACKUP_MODE).catch((cause: unknown) => fail(cause, file));
  }
}

/**
 * A file holds one entry of ours, under its key; once it has left, the file is the person's
 * own again and a copy of their other servers' secrets has no reason to stay behind. Unless the
 * backup has an entry under that key: ours replaced the person's own (Replace), and the backup
 * is the only place it is still written down.
 */
async function removeBackup(file: string, key: string, format: ConfigFormat): Promise<void> {
  const backup = await readBytes(backupPath(file), file);
  if (!backup || holdsEntry(backup, file, key, format)) return;
  await fs.rm(backupPath(file), { force: true }).catch((error: unknown) => fail(error, file));
}

/** A backup edited by hand into something that no longer parses is not ours to judge: it stays. */
function holdsEntry(bytes: Buffer, file: string, key: string, format: ConfigFormat): boolean {
  try {
    return format.read(decode(bytes, file).text, file, key) !== undefined;
  } catch {
    return true;
  }
}

function fail(error: unknown, file: string): never {
  switch (errorCode(error)) {
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      throw unwritable(file, error);
    case 'EISDIR':
    case 'ENOTDIR':
      throw new CompanionError(
        'config_invalid',
        `${file} is not a file (a folder is in its way). Move that folder, then try again.`,
        { cause: error },
      );
    default:
      throw error;
  }
}

function unwritable(file: string, cause?: unknown): CompanionError {
  return new CompanionError(
    'config_unwritable',
    `${file} could not be changed: it or its folder is read-only. Make both writable, then try again.`,
    { cause },
  );
}

function busyMessage(file: string): string {
  return `${file} is being changed by another program. Wait a moment, then try again.`;
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
