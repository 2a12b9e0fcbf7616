import { readFile, writeFile } from 'node:fs/promises';

const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

/**
 * Puts the latest results between the README's bench markers, touching nothing outside them;
 * adds the markers at the end of the file the first time.
 */
export async function updateReadme(file: string, table: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  const section = `${START}\n${table.trimEnd()}\n${END}`;
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  const next =
    start >= 0 && end > start
      ? `${text.slice(0, start)}${section}${text.slice(end + END.length)}`
      : `${text.trimEnd()}\n\n${section}\n`;
  if (next !== text) await writeFile(file, next);
}
