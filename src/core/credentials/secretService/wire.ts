/**
 * The D-Bus wire format (the specification's "Message Protocol"), for the few types the Secret
 * Service calls use. Values follow their signature: integers as numbers (64-bit ones as
 * bigints), `ay` as a Buffer, other arrays, structs and dict entries as JavaScript arrays (a
 * dict is an array of [key, value]), a variant as `{ signature, value }`.
 */

export type DBusValue = number | bigint | boolean | string | Buffer | Variant | DBusValue[];

export interface Variant {
  signature: string;
  value: DBusValue;
}

export const MessageType = { call: 1, methodReturn: 2, error: 3, signal: 4 } as const;

export interface Message {
  type: number;
  serial: number;
  flags?: number;
  path?: string;
  interface?: string;
  member?: string;
  errorName?: string;
  replySerial?: number;
  destination?: string;
  sender?: string;
  signature?: string;
  body?: DBusValue[];
}

/** A message that breaks the format: the connection cannot be trusted past it. */
export class WireError extends Error {}

const HEADER_FIELDS = [
  // code, the Message key, its type
  [1, 'path', 'o'],
  [2, 'interface', 's'],
  [3, 'member', 's'],
  [4, 'errorName', 's'],
  [5, 'replySerial', 'u'],
  [6, 'destination', 's'],
  [7, 'sender', 's'],
  [8, 'signature', 'g'],
] as const;

/** The specification's own limits: 2^26 for an array, 2^27 for a whole message. */
const MAX_ARRAY = 1 << 26;
const MAX_MESSAGE = 1 << 27;

interface NumberType {
  size: number;
  write(buffer: Buffer, value: DBusValue, at: number): unknown;
  read(buffer: Buffer, at: number, little: boolean): number | bigint;
}

/** The fixed-size numbers; each is aligned to its size. */
const NUMBERS: Partial<Record<string, NumberType>> = {
  y: { size: 1, write: (b, v, at) => b.writeUInt8(num(v), at), read: (b, at) => b.readUInt8(at) },
  n: {
    size: 2,
    write: (b, v, at) => b.writeInt16LE(num(v), at),
    read: (b, at, le) => (le ? b.readInt16LE(at) : b.readInt16BE(at)),
  },
  q: {
    size: 2,
    write: (b, v, at) => b.writeUInt16LE(num(v), at),
    read: (b, at, le) => (le ? b.readUInt16LE(at) : b.readUInt16BE(at)),
  },
  i: {
    size: 4,
    write: (b, v, at) => b.writeInt32LE(num(v), at),
    read: (b, at, le) => (le ? b.readInt32LE(at) : b.readInt32BE(at)),
  },
  u: {
    size: 4,
    write: (b, v, at) => b.writeUInt32LE(num(v), at),
    read: (b, at, le) => (le ? b.readUInt32LE(at) : b.readUInt32BE(at)),
  },
  x: {
    size: 8,
    write: (b, v, at) => b.writeBigInt64LE(big(v), at),
    read: (b, at, le) => (le ? b.readBigInt64LE(at) : b.readBigInt64BE(at)),
  },
  t: {
    size: 8,
    write: (b, v, at) => b.writeBigUInt64LE(big(v), at),
    read: (b, at, le) => (le ? b.readBigUInt64LE(at) : b.readBigUInt64BE(at)),
  },
  d: {
    size: 8,
    write: (b, v, at) => b.writeDoubleLE(num(v), at),
    read: (b, at, le) => (le ? b.readDoubleLE(at) : b.readDoubleBE(at)),
  },
};

const ALIGNMENTS: Partial<Record<string, number>> = { b: 4, s: 4, o: 4, a: 4, '(': 8, '{': 8 };

function alignmentOf(type: string): number {
  const code = type[0] ?? '';
  return NUMBERS[code]?.size ?? ALIGNMENTS[code] ?? 1;
}

/** The complete types a signature lists, in order: `a{sv}(oayays)b` → `a{sv}`, `(oayays)`, `b`. */
export function splitSignature(signature: string): string[] {
  const types: string[] = [];
  for (let at = 0; at < signature.length;) {
    const end = completeTypeEnd(signature, at);
    types.push(signature.slice(at, end));
    at = end;
  }
  return types;
}

function completeTypeEnd(signature: string, at: number): number {
  const c = signature[at];
  if (c === 'a') return completeTypeEnd(signature, at + 1);
  if (c === '(' || c === '{') {
    const close = c === '(' ? ')' : '}';
    let end = at + 1;
    while (signature[end] !== close) {
      if (end >= signature.length) throw new WireError('unbalanced signature');
      end = completeTypeEnd(signature, end);
    }
    return end + 1;
  }
  if (c === undefined || !'ybnqiuxtdsogv'.includes(c)) throw new WireError('unknown type code');
  return at + 1;
}

/** The types inside a struct or dict entry: `(oayays)` → `o`, `ay`, `ay`, `s`. */
const memberTypes = (type: string) => splitSignature(type.slice(1, -1));

class Writer {
  private buffer = Buffer.alloc(256);
  length = 0;

  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  private room(size: number): number {
    if (this.length + size > this.buffer.length) {
      const grown = Buffer.alloc(Math.max(this.buffer.length * 2, this.length + size));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    const at = this.length;
    this.length += size;
    return at;
  }

  align(to: number): void {
    const padding = (to - (this.length % to)) % to;
    this.put(padding, (b, at) => b.fill(0, at, at + padding));
  }

  u32(value: number): number {
    this.align(4);
    const at = this.room(4);
    this.buffer.writeUInt32LE(value, at);
    return at;
  }

  raw(bytes: Buffer): void {
    this.put(bytes.length, (b, at) => bytes.copy(b, at));
  }

  /** Reserves `size` bytes, then lets `put` fill them in the (possibly grown) buffer. */
  private put(size: number, put: (buffer: Buffer, at: number) => unknown): void {
    const at = this.room(size);
    put(this.buffer, at);
  }

  write(type: string, value: DBusValue): void {
    this.align(alignmentOf(type));
    const number = NUMBERS[type[0] ?? ''];
    if (number) return this.put(number.size, (b, at) => number.write(b, value, at));
    switch (type[0]) {
      case 'b':
        this.u32(bool(value) ? 1 : 0);
        return;
      case 's':
      case 'o': {
        const text = Buffer.from(str(value));
        this.u32(text.length);
        this.raw(text);
        this.put(1, (b, at) => (b[at] = 0));
        return;
      }
      case 'g': {
        const text = Buffer.from(str(value), 'latin1');
        this.put(1, (b, at) => b.writeUInt8(text.length, at));
        this.raw(text);
        this.put(1, (b, at) => (b[at] = 0));
        return;
      }
      case 'v': {
        const variant = value as Variant;
        this.write('g', variant.signature);
        this.write(variant.signature, variant.value);
        return;
      }
      case '(':
      case '{': {
        const members = memberTypes(type);
        const values = list(value);
        if (values.length !== members.length) throw new WireError('wrong number of fields');
        members.forEach((member, i) => this.write(member, values[i] as DBusValue));
        return;
      }
      case 'a': {
        const element = type.slice(1);
        const lengthAt = this.u32(0);
        this.align(alignmentOf(element));
        const start = this.length;
        if (element === 'y') this.raw(Buffer.isBuffer(value) ? value : Buffer.from(str(value)));
        else for (const item of list(value)) this.write(element, item);
        this.buffer.writeUInt32LE(this.length - start, lengthAt);
        return;
      }
    }
    throw new WireError('unknown type code');
  }
}

const num = (v: DBusValue) => (typeof v === 'number' ? v : fail('a number'));
const big = (v: DBusValue) => (typeof v === 'bigint' ? v : BigInt(num(v)));
const bool = (v: DBusValue) => (typeof v === 'boolean' ? v : fail('a boolean'));
const str = (v: DBusValue) => (typeof v === 'string' ? v : fail('a string'));
const list = (v: DBusValue) => (Array.isArray(v) ? v : fail('an array'));
function fail(what: string): never {
  throw new WireError(`expected ${what}`);
}

class Reader {
  constructor(
    private readonly buffer: Buffer,
    private readonly little: boolean,
    public at = 0,
    private readonly end = buffer.length,
  ) {}

  private take(size: number): number {
    if (this.at + size > this.end) throw new WireError('message ends early');
    const at = this.at;
    this.at += size;
    return at;
  }

  align(to: number): void {
    const padding = (to - (this.at % to)) % to;
    const at = this.take(padding);
    for (let i = at; i < this.at; i++) if (this.buffer[i] !== 0) throw new WireError('padding');
  }

  u32(): number {
    this.align(4);
    const at = this.take(4);
    return this.little ? this.buffer.readUInt32LE(at) : this.buffer.readUInt32BE(at);
  }

  private text(length: number, encoding: 'utf8' | 'latin1'): string {
    const at = this.take(length + 1);
    if (this.buffer[at + length] !== 0) throw new WireError('string without its terminator');
    return this.buffer.toString(encoding, at, at + length);
  }

  read(type: string): DBusValue {
    const b = this.buffer;
    this.align(alignmentOf(type));
    const number = NUMBERS[type[0] ?? ''];
    if (number) return number.read(b, this.take(number.size), this.little);
    switch (type[0]) {
      case 'b': {
        const value = this.u32();
        if (value > 1) throw new WireError('boolean out of range');
        return value === 1;
      }
      case 's':
      case 'o':
        return this.text(this.u32(), 'utf8');
      case 'g':
        return this.text(b.readUInt8(this.take(1)), 'latin1');
      case 'v': {
        const signature = this.read('g') as string;
        const types = splitSignature(signature);
        if (types.length !== 1) throw new WireError('a variant holds one complete type');
        return { signature, value: this.read(signature) };
      }
      case '(':
      case '{':
        return memberTypes(type).map((member) => this.read(member));
      case 'a': {
        const element = type.slice(1);
        const length = this.u32();
        if (length > MAX_ARRAY) throw new WireError('array too long');
        this.align(alignmentOf(element));
        const end = this.at + length;
        if (element === 'y') return Buffer.from(b.subarray(this.take(length), end));
        const items: DBusValue[] = [];
        while (this.at < end) items.push(this.read(element));
        if (this.at !== end) throw new WireError('array length');
        return items;
      }
    }
    throw new WireError('unknown type code');
  }
}

/** Encodes a message as this side sends it: little-endian, protocol version 1. */
export function encodeMessage(message: Message): Buffer {
  const signature = message.signature ?? '';
  const body = new Writer();
  const types = splitSignature(signature);
  const values = message.body ?? [];
  if (values.length !== types.length) throw new WireError('body does not match its signature');
  types.forEach((type, i) => body.write(type, values[i] as DBusValue));

  const fields: DBusValue[] = [];
  for (const [code, key, type] of HEADER_FIELDS) {
    const value = key === 'signature' ? signature || undefined : message[key];
    if (value !== undefined) fields.push([code, { signature: type, value }]);
  }
  const header = new Writer();
  header.raw(Buffer.from([0x6c, message.type, message.flags ?? 0, 1]));
  header.u32(body.length);
  header.u32(message.serial);
  header.write('a(yv)', fields);
  header.align(8);
  header.raw(body.bytes());
  return Buffer.from(header.bytes());
}

/**
 * The length of the message at the start of `buffer` once its fixed header is there (16
 * bytes), or undefined before then.
 */
export function messageLength(buffer: Buffer): number | undefined {
  if (buffer.length < 16) return undefined;
  const little = endianness(buffer[0]);
  const bodyLength = little ? buffer.readUInt32LE(4) : buffer.readUInt32BE(4);
  const fieldsLength = little ? buffer.readUInt32LE(12) : buffer.readUInt32BE(12);
  const headerLength = 16 + fieldsLength + ((8 - (fieldsLength % 8)) % 8);
  const total = headerLength + bodyLength;
  if (total > MAX_MESSAGE) throw new WireError('message too long');
  return total;
}

function endianness(mark: number | undefined): boolean {
  if (mark === 0x6c) return true;
  if (mark === 0x42) return false;
  throw new WireError('not a D-Bus message');
}

/** Decodes one whole message, as `messageLength` measured it. */
export function decodeMessage(buffer: Buffer): Message {
  const reader = new Reader(buffer, endianness(buffer[0]), 1);
  const type = reader.read('y') as number;
  const flags = reader.read('y') as number;
  if (reader.read('y') !== 1) throw new WireError('unknown protocol version');
  const bodyLength = reader.u32();
  const serial = reader.u32();
  const message: Message = { type, flags, serial };
  for (const field of reader.read('a(yv)') as Array<[number, Variant]>) {
    const [code, variant] = field;
    const known = HEADER_FIELDS.find(([c]) => c === code);
    if (!known) continue;
    if (variant.signature !== known[2]) throw new WireError('header field of the wrong type');
    Object.assign(message, { [known[1]]: variant.value });
  }
  reader.align(8);
  if (reader.at + bodyLength !== buffer.length) throw new WireError('body length');
  const body = new Reader(buffer.subarray(reader.at), endianness(buffer[0]));
  message.body = splitSignature(message.signature ?? '').map((t) => body.read(t));
  if (body.at !== bodyLength) throw new WireError('body longer than its signature');
  return message;
}
