import { describe, expect, it } from 'vitest';
import { decode, leadingId, membersOf } from '../../../src/core/bridge/jsonScan';

const bytes = (value: string) => Buffer.from(value, 'utf8');

function readMembers(text: string): Record<string, unknown> | undefined {
  const buffer = bytes(text);
  const members = membersOf(buffer);
  if (!members) return undefined;
  return Object.fromEntries([...members].map(([key, span]) => [key, decode(buffer, span)]));
}

describe('reading the top-level members of a message without decoding it', () => {
  it('finds each member whatever comes before it: nested values, escaped quotes, spaces', () => {
    const message = {
      result: { content: [{ type: 'text', text: 'a "quoted" \\ back\\slash }] {[' }], n: [1, [2]] },
      jsonrpc: '2.0',
      id: 'é-7',
    };
    expect(readMembers(JSON.stringify(message))).toEqual(message);
    expect(readMembers(JSON.stringify(message, null, 2))).toEqual(message);
    expect(readMembers('{ "id" : 3 , "ok":true,"none":null, "x": -1.5e3 }')).toEqual({
      id: 3,
      ok: true,
      none: null,
      x: -1500,
    });
  });

  it('gives up on what is not one whole object', () => {
    for (const text of [
      '',
      '[1]',
      '{"id":1',
      '{"id":1,}',
      '{"id" 1}',
      '{"a":"unterminated}',
      'x',
    ]) {
      expect(readMembers(text), text).toBeUndefined();
    }
  });

  it('reads the id at the start of a message cut short', () => {
    expect(
      leadingId(bytes('{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"pad":"yyy')),
    ).toBe(9);
    expect(
      leadingId(bytes('{"jsonrpc":"2.0","method":"x","params":{"id":4,"pad":"yy')),
    ).toBeUndefined();
    expect(leadingId(bytes('not json'))).toBeUndefined();
  });
});
