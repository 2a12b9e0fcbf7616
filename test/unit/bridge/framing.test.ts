import { describe, expect, it } from 'vitest';
import { createLineSplitter } from '../../../src/core/bridge/lines';
import { createSseReader } from '../../../src/core/bridge/sse';

/** Feeds `text` cut into pieces of `size` bytes, as a pipe or a socket may deliver it. */
function feed(push: (chunk: Buffer) => void, text: string, size: number): void {
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; at += size) push(bytes.subarray(at, at + size));
}

describe('lines from a byte stream', () => {
  it.each([1, 3, 1024])('gives whole lines however the bytes are cut (%i at a time)', (size) => {
    const lines: string[] = [];
    const push = createLineSplitter(1024, {
      line: (line) => lines.push(line.toString()),
      tooLong: () => lines.push('TOO LONG'),
    });
    feed(push, '{"a":1}\n{"b":"é"}\r\n\n{"c":3}', size);
    expect(lines).toEqual(['{"a":1}', '{"b":"é"}', '']);
    feed(push, '\n', size);
    expect(lines.at(-1)).toBe('{"c":3}');
  });

  it('skips a line over the limit, keeping its beginning, and reads the next one', () => {
    const seen: string[] = [];
    const push = createLineSplitter(16, {
      line: (line) => seen.push(`line ${line.toString()}`),
      tooLong: (head) => seen.push(`too long, starting ${head.subarray(0, 8).toString()}`),
    });
    feed(push, `{"id":7,"pad":"${'y'.repeat(100)}"}\n{"id":8}\n`, 10);
    expect(seen).toEqual(['too long, starting {"id":7,', 'line {"id":8}']);
  });
});

describe('events from a text/event-stream body', () => {
  it.each([1, 7, 4096])('gives each message event’s data (%i bytes at a time)', (size) => {
    const events: string[] = [];
    const read = createSseReader(1024, {
      data: (data) => events.push(data.toString()),
      tooLarge: () => events.push('TOO LARGE'),
      eventId: (id) => events.push(`id ${id}`),
      retry: (ms) => events.push(`retry ${ms}`),
    });
    const body = [
      ': a comment',
      'event: message',
      'id: 1',
      'data: {"id":1}',
      '',
      'data:{"two":',
      'data: "lines"}',
      '',
      'event: other',
      'data: not for us',
      '',
      'retry: 1000',
      'retry: soon',
      '',
      'id: 2',
      'data: ',
      '',
      'id',
      'data: {"id":3}',
      '',
      '',
    ].join('\r\n');
    feed(read, body, size);
    expect(events).toEqual([
      // The id comes before the data it marks; it stays until the server changes it.
      'id 1',
      '{"id":1}',
      'id 1',
      '{"two":\n"lines"}',
      'id 1',
      'retry 1000',
      'id 1',
      // A priming event: an id, and no message to relay.
      'id 2',
      'id ',
      '{"id":3}',
    ]);
  });

  it('skips an event over the limit and reads the next one', () => {
    const events: string[] = [];
    const read = createSseReader(32, {
      data: (data) => events.push(data.toString()),
      tooLarge: () => events.push('TOO LARGE'),
      eventId: () => undefined,
      retry: () => undefined,
    });
    feed(read, `data: ${'x'.repeat(100)}\n\ndata: {"id":2}\n\n`, 9);
    expect(events).toEqual(['TOO LARGE', '{"id":2}']);
  });
});
