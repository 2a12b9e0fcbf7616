import type { Readable, Writable } from 'node:stream';
import { createLineSplitter } from './lines';
import type { BridgeLog } from './types';

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** The AI client's side: a message is one line of stdin or stdout (MCP stdio transport). */
export interface Downstream {
  /** Writes one message as one line; `written` runs once it has left for the client. */
  write(message: Buffer | object, written?: () => void): void;
  /** Stops reading stdin. */
  close(): void;
}

export interface StdioOptions {
  input: Readable;
  output: Writable;
  maxMessageBytes: number;
  log: BridgeLog;
  line(line: Buffer): void;
  /** A line longer than the limit was skipped; `head` is its beginning. */
  tooLong(head: Buffer): void;
}

/**
 * Frames messages on stdio by lines, as bytes both ways: nothing is decoded on the way out,
 * and stdout gets nothing but whole messages, each on its own line.
 */
export function openStdio(options: StdioOptions): Downstream {
  const { input, output, log } = options;
  const onData = createLineSplitter(options.maxMessageBytes, {
    line: options.line,
    tooLong: options.tooLong,
  });
  input.on('data', onData);
  // A client that went away closes the pipe: the bridge stops when stdin ends, not on EPIPE.
  output.on('error', (error) => log.warn('client not reachable', { error: String(error) }));
  return {
    write(message, written) {
      const line = Buffer.isBuffer(message) ? oneLine(message) : JSON.stringify(message);
      output.write(line);
      output.write('\n', () => written?.());
    },
    close() {
      input.off('data', onData);
    },
  };
}

/**
 * A message exactly as Splattr sent it, unless it spans lines (pretty-printed JSON is valid
 * over HTTP, not on stdio): only then is it decoded and written again, compact.
 */
function oneLine(message: Buffer): Buffer | string {
  if (message.indexOf(NEWLINE) < 0 && message.indexOf(CARRIAGE_RETURN) < 0) return message;
  return JSON.stringify(JSON.parse(message.toString('utf8')));
}
