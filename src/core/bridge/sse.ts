import { createLineSplitter } from './lines';

const COLON = 0x3a;
const SPACE = 0x20;
const NEWLINE = Buffer.from('\n');
const DIGITS = /^[0-9]+$/;

export interface SseHandlers {
  /** The data of one `message` event: one JSON-RPC message, as bytes. */
  data(data: Buffer): void;
  /** An event larger than the limit was skipped. */
  tooLarge(): void;
  /**
   * The stream's last event id as an event is dispatched, before its data ('' once the server
   * cleared it): where a resumption would start once this event is handled.
   */
  eventId(id: string): void;
  /** The reconnection time the server asked for, in milliseconds. */
  retry(ms: number): void;
}

/**
 * Reads a `text/event-stream` body (the HTML standard's event stream format) into the data of
 * its events, as bytes: the relay writes them to stdout without decoding them. Event ids and
 * `retry` are reported as the standard interprets them, so that a broken stream can be resumed
 * from its last event (MCP 2025-11-25, Resumability and Redelivery). An event without data —
 * a server's priming event, which only carries an id — relays nothing.
 */
export function createSseReader(maxBytes: number, handlers: SseHandlers): (chunk: Buffer) => void {
  let data: Buffer[] = [];
  let size = 0;
  let type = '';
  let tooLarge = false;
  /** The standard's "last event ID buffer": it outlives the event that set it. */
  let lastId: string | undefined;

  const dispatch = () => {
    const event = { data, type, tooLarge };
    data = [];
    size = 0;
    type = '';
    tooLarge = false;
    if (lastId !== undefined) handlers.eventId(lastId);
    if (event.tooLarge) return handlers.tooLarge();
    const empty = event.data.every((part) => part.length === 0);
    if (empty || (event.type !== '' && event.type !== 'message')) return;
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
      } else if (field === 'id') {
        // The standard ignores an id that contains NULL.
        if (!value.includes(0)) lastId = value.toString('utf8');
      } else if (field === 'retry') {
        const text = value.toString('latin1');
        if (DIGITS.test(text)) handlers.retry(Number(text));
      }
    },
    tooLong() {
      tooLarge = true;
    },
  });
}
