import { readFile, writeFile } from 'node:fs/promises';
import { format, resolveConfig } from 'prettier';

const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

/** Markdown as `npm run lint` (prettier) wants it: aligned tables. */
export async function formatMarkdown(text: string, file: string): Promise<string> {
  const options = (await resolveConfig(file)) ?? {};
  return format(text, { ...options, filepath: file });
}

/**
 * Puts the latest results between the README's bench markers, touching nothing outside them;
 * adds the markers at the end of the file the first time.
 */
export async function updateReadme(file: string, table: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  const section = `${START}\n\n${table.trim()}\n\n${END}`;
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  const next =
    start >= 0 && end > start
      ? `${text.slice(0, start)}${section}${text.slice(end + END.length)}`
      : `${text.trimEnd()}\n\n${section}\n`;
  const formatted = await formatMarkdown(next, file);
  if (formatted !== text) await writeFile(file, formatted);
}
