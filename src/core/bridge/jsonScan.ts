/** Where a member's value lies in a message: byte offsets, end exclusive. */
export interface Span {
  start: number;
  end: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

/**
 * The members of the JSON object in `bytes[start, end)`, each key with its value's span, values
 * skipped without being decoded. The relay routes a message on a few small members (`id`,
 * `method`, `result.resultType`) and passes the rest on as bytes: `JSON.parse` would build the
 * whole message, a 1 MiB tool result included, only to be thrown away; this skips a long string
 * with one native search for its closing quote. It checks structure, not every token: a
 * message it cannot read gives undefined, and what it passes on is Splattr's own JSON.
 */
export function membersOf(
  bytes: Buffer,
  start = 0,
  end = bytes.length,
): Map<string, Span> | undefined {
  const scan = scanMembers(bytes, start, end);
  return scan?.complete ? scan.members : undefined;
}

/**
 * The `id` of a message of which only the beginning is at hand (the rest was too large to
 * keep), when it comes before the cut.
 */
export function leadingId(bytes: Buffer): string | number | undefined {
  const span = scanMembers(bytes, 0, bytes.length)?.members.get('id');
  const id = span && decode(bytes, span);
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}

function scanMembers(
  bytes: Buffer,
  start: number,
  end: number,
): { members: Map<string, Span>; complete: boolean } | undefined {
  const members = new Map<string, Span>();
  const partial = { members, complete: false };
  let at = skipSpace(bytes, start, end);
  if (bytes[at] !== OPEN_OBJECT) return undefined;
  at = skipSpace(bytes, at + 1, end);
  if (bytes[at] === CLOSE_OBJECT) return { members, complete: true };
  for (;;) {
    if (bytes[at] !== QUOTE) return partial;
    const keyEnd = stringEnd(bytes, at, end);
    if (keyEnd < 0) return partial;
    const key = decode(bytes, { start: at, end: keyEnd });
    if (typeof key !== 'string') return partial;
    at = skipSpace(bytes, keyEnd, end);
    if (bytes[at] !== COLON) return partial;
    const valueStart = skipSpace(bytes, at + 1, end);
    const valueEnd = endOfValue(bytes, valueStart, end);
    if (valueEnd < 0) return partial;
    members.set(key, { start: valueStart, end: valueEnd });
    at = skipSpace(bytes, valueEnd, end);
    if (bytes[at] === CLOSE_OBJECT) return { members, complete: true };
    if (bytes[at] !== COMMA) return partial;
    at = skipSpace(bytes, at + 1, end);
  }
}

/** The value in `span`, decoded; undefined when it is not JSON. */
export function decode(bytes: Buffer, span: Span): unknown {
  try {
    return JSON.parse(bytes.toString('utf8', span.start, span.end));
  } catch {
    return undefined;
  }
}

function skipSpace(bytes: Buffer, at: number, end: number): number {
  while (at < end) {
    const c = bytes[at];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    at++;
  }
  return at;
}

/** Just past the closing quote of the string opening at `at`, or -1. */
function stringEnd(bytes: Buffer, at: number, end: number): number {
  let from = at + 1;
  for (;;) {
    const quote = bytes.indexOf(QUOTE, from);
    if (quote < 0 || quote >= end) return -1;
    let backslashes = 0;
    while (bytes[quote - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

function endOfValue(bytes: Buffer, at: number, end: number): number {
  const first = bytes[at];
  if (first === QUOTE) return stringEnd(bytes, at, end);
  if (first === OPEN_OBJECT || first === OPEN_ARRAY) {
    let depth = 0;
    while (at < end) {
      const c = bytes[at];
      if (c === QUOTE) {
        at = stringEnd(bytes, at, end);
        if (at < 0) return -1;
        continue;
      }
      if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++;
      else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        depth--;
        if (depth === 0) return at + 1;
      }
      at++;
    }
    return -1;
  }
  // A number, true, false or null: up to the next delimiter.
  const from = at;
  while (at < end) {
    const c = bytes[at];
    if (c === COMMA || c === CLOSE_OBJECT || c === CLOSE_ARRAY || c === 0x20 || c === 0x0a) break;
    if (c === 0x0d || c === 0x09) break;
    at++;
  }
  return at > from ? at : -1;
}
