const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
/** What is kept of a line too long to relay: enough to find the id of the request it was. */
const HEAD_BYTES = 64 * 1024;

export interface LineHandlers {
  /** A whole line, without its line ending. */
  line(line: Buffer): void;
  /** A line longer than the limit went by unread; `head` is its beginning. */
  tooLong(head: Buffer): void;
}

/**
 * Splits a byte stream into lines (`\n`, or `\r\n`) without decoding it, holding at most
 * `maxBytes` of a line: beyond that the rest of the line is skipped as it arrives, so a client
 * or a server sending 100 MiB without a newline costs no memory.
 */
export function createLineSplitter(
  maxBytes: number,
  handlers: LineHandlers,
): (chunk: Buffer) => void {
  let parts: Buffer[] = [];
  let held = 0;
  let head: Buffer | undefined;

  return (chunk) => {
    let from = 0;
    for (;;) {
      const newline = chunk.indexOf(NEWLINE, from);
      const piece = chunk.subarray(from, newline < 0 ? chunk.length : newline);
      if (head === undefined && held + piece.length > maxBytes) {
        head = Buffer.concat([...parts, piece], Math.min(HEAD_BYTES, held + piece.length));
        parts = [];
        held = 0;
      }
      if (newline < 0) {
        if (head === undefined && piece.length > 0) {
          parts.push(piece);
          held += piece.length;
        }
        return;
      }
      from = newline + 1;
      if (head !== undefined) {
        const skipped = head;
        head = undefined;
        handlers.tooLong(skipped);
        continue;
      }
      let line = held === 0 ? piece : Buffer.concat([...parts, piece]);
      parts = [];
      held = 0;
      if (line[line.length - 1] === CARRIAGE_RETURN) line = line.subarray(0, -1);
      handlers.line(line);
    }
  };
}
