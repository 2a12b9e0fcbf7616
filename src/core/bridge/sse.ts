import { createLineSplitter } from './lines';

const COLON = 0x3a;
const SPACE = 0x20;
const NEWLINE = Buffer.from('\n');

export interface SseHandlers {
  /** The data of one `message` event: one JSON-RPC message, as bytes. */
  data(data: Buffer): void;
  /** An event larger than the limit was skipped. */
  tooLarge(): void;
}

/**
 * Reads a `text/event-stream` body (the HTML standard's event stream format) into the data of
 * its events, as bytes: the relay writes them to stdout without decoding them. Event ids and
 * `retry` are not kept: the bridge does not resume a broken stream (Splattr keeps no events
 * to replay), it answers the requests that were waiting on it instead.
 */
export function createSseReader(maxBytes: number, handlers: SseHandlers): (chunk: Buffer) => void {
  let data: Buffer[] = [];
  let size = 0;
  let type = '';
  let tooLarge = false;

  const dispatch = () => {
    const event = { data, type, tooLarge };
    data = [];
    size = 0;
    type = '';
    tooLarge = false;
    if (event.tooLarge) return handlers.tooLarge();
    if (event.data.length === 0 || (event.type !== '' && event.type !== 'message')) return;
    const joined =
      event.data.length === 1
        ? event.data[0]!
        : Buffer.concat(event.data.flatMap((part, i) => (i === 0 ? [part] : [NEWLINE, part])));
    handlers.data(joined);
  };

  return createLineSplitter(maxBytes, {
    line(line) {
      if (line.length === 0) return dispatch();
      if (line[0] === COLON) return;
      const colon = line.indexOf(COLON);
      const field = line.toString('latin1', 0, colon < 0 ? line.length : colon);
      const valueStart = colon < 0 ? line.length : colon + (line[colon + 1] === SPACE ? 2 : 1);
      const value = line.subarray(valueStart);
      if (field === 'data') {
        size += value.length;
        if (size > maxBytes) tooLarge = true;
        else data.push(value);
      } else if (field === 'event') {
        type = value.toString('utf8');
      }
    },
    tooLong() {
      tooLarge = true;
    },
  });
}
