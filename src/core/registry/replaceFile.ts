import { open, rename, rm } from 'node:fs/promises';

let written = 0;

/**
 * Replaces `file` with `text` in one step: readers see the old content or the new, never part.
 * write-file-atomic does this for the app's other files; a bridge stamps its status file at its
 * first call, and that library loads node:crypto (OpenSSL's start-up, for its temporary names),
 * worker_threads and signal-exit to do it: 2.8 MiB of every bridge's memory (bench/README.md).
 * The status folder is private to the person (0700), so a plain name beside the file is safe,
 * and opening it exclusively never follows a link planted there.
 */
export async function replaceFile(file: string, text: string, mode: number): Promise<void> {
  const temporary = `${file}.${process.pid}.${++written}.tmp`;
  try {
    const handle = await open(temporary, 'wx', mode);
    try {
      await handle.writeFile(text);
      // Durable before it is visible: a crash after the rename must not leave an empty file.
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
