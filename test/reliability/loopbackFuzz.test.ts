import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startLoopbackRedirect, type LoopbackRedirect } from '../../src/core/oauth/loopback';
import { CompanionError, type ErrorCode } from '../../src/shared/errors';

// test/unit/oauth/loopback.test.ts checks each rule with one hand-written request; this file
// throws many generated ones (fixed seed, so a failure replays) and concurrent floods at it.

const STATE = 'state-Zq8w3LxP0aVb7nYk';
const ISSUER = 'http://127.0.0.1:4100';
const SEED = 0x5eed_2024;
const SERVERS = 300;
const REQUESTS_PER_SERVER = 4;

/** mulberry32: a few lines instead of a dependency, enough to make the cases reproducible. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const open: LoopbackRedirect[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((loopback) => loopback.close()));
});

async function start(requireIssuer = false) {
  const loopback = await startLoopbackRedirect({ state: STATE, issuer: ISSUER, requireIssuer });
  open.push(loopback);
  return { loopback, port: Number(new URL(loopback.redirectUri).port) };
}

/**
 * One request written byte for byte on its own socket (no client library normalising the
 * target or the headers). Resolves to the status code, or 0 when the socket was refused or cut.
 */
function raw(port: number, head: string, { end = true } = {}): Promise<number> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0)));
    socket.on('connect', () => (end ? socket.end(head) : socket.write(head)));
  });
}

function request(method: string, target: string, host: string | undefined): string {
  return `${method} ${target} HTTP/1.1\r\n${host === undefined ? '' : `Host: ${host}\r\n`}Connection: close\r\n\r\n`;
}

type Outcome = { ok: true; code: string } | { ok: false; error: ErrorCode };

/**
 * The rules the callback must follow for an answer carrying the state (once and equal; any other
 * request decides nothing), written independently of the implementation: `iss`, when present or
 * promised, once and equal; an error parameter is never a success; the code once and not empty.
 */
function expectedOutcome(params: URLSearchParams, requireIssuer: boolean): Outcome {
  const issuers = params.getAll('iss');
  if ((issuers.length > 0 || requireIssuer) && (issuers.length !== 1 || issuers[0] !== ISSUER)) {
    return { ok: false, error: 'sign_in_state_mismatch' };
  }
  const errors = params.getAll('error');
  if (errors.length === 1 && errors[0] === 'access_denied') {
    return { ok: false, error: 'sign_in_cancelled' };
  }
  if (errors.length > 0) return { ok: false, error: 'sign_in_failed' };
  const codes = params.getAll('code');
  if (codes.length !== 1 || !codes[0]) return { ok: false, error: 'sign_in_failed' };
  return { ok: true, code: codes[0] };
}

interface Case {
  method: string;
  target: string;
  host: 'right' | 'wrong' | 'missing';
}

function generator(next: () => number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const junk = (length: number) =>
    Array.from({ length }, () => pick('abcXYZ019-._~%2F%00%E2%82%AC+'.split(''))).join('');
  const values = () => [
    STATE,
    `${STATE}x`,
    STATE.toUpperCase(),
    '',
    ISSUER,
    `${ISSUER}/`,
    'access_denied',
    'server_error',
    junk(1 + Math.floor(next() * 40)),
    encodeURIComponent('ünïcødé €'),
    '%ZZ%',
  ];
  const names = ['state', 'code', 'iss', 'error', 'error_description', 'STATE', 'code[]'];
  const paths = [
    '/callback',
    '/callback',
    '/callback',
    '/callback/',
    '/Callback',
    '/',
    '//callback',
    '/a/../callback',
    '/callback%00',
    `/${junk(12)}`,
  ];

  return (): Case => {
    const parts: string[] = [];
    // The parameters a genuine answer carries, often; then noise.
    if (next() < 0.7) parts.push(`state=${next() < 0.7 ? STATE : pick(values())}`);
    if (next() < 0.7)
      parts.push(`code=${next() < 0.8 ? junk(1 + Math.floor(next() * 30)) : pick(values())}`);
    if (next() < 0.1) parts.push('error=access_denied');
    for (let i = Math.floor(next() * 4); i > 0; i--) parts.push(`${pick(names)}=${pick(values())}`);
    if (next() < 0.05) parts.push(`pad=${'A'.repeat(next() < 0.5 ? 6_000 : 40_000)}`);
    for (let i = parts.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [parts[i], parts[j]] = [parts[j]!, parts[i]!];
    }
    const query =
      parts.length > 0 || next() < 0.5 ? `?${parts.join(next() < 0.9 ? '&' : ';')}` : '';
    return {
      method: next() < 0.85 ? 'GET' : pick(['POST', 'HEAD', 'PUT', 'OPTIONS', 'DELETE']),
      target: `${pick(paths)}${query}`,
      host: next() < 0.85 ? 'right' : pick(['wrong', 'missing'] as const),
    };
  };
}

/** What the server must answer to `c` while undecided, and whether `c` decides the sign-in. */
function model(c: Case, port: number) {
  if (c.target.length > 16_000) return { statuses: [0, 431], decides: false };
  if (c.host === 'missing') return { statuses: [0, 400], decides: false };
  let url: URL | undefined;
  try {
    url = new URL(c.target, `http://127.0.0.1:${port}`);
  } catch {
    url = undefined;
  }
  if (c.host === 'wrong' || url?.pathname !== '/callback')
    return { statuses: [404], decides: false };
  if (c.method !== 'GET') return { statuses: [405], decides: false };
  const states = url.searchParams.getAll('state');
  // Without our state it is not the answer: an error page, and the sign-in waits on.
  if (states.length !== 1 || states[0] !== STATE) return { statuses: [400], decides: false };
  return { statuses: [200, 400], decides: true, url };
}

async function settled(code: Promise<string>): Promise<Outcome> {
  return code.then(
    (value): Outcome => ({ ok: true, code: value }),
    (error: unknown): Outcome => ({
      ok: false,
      error: error instanceof CompanionError ? error.code : ('internal' as ErrorCode),
    }),
  );
}

describe('the loopback callback under hostile input', () => {
  it(`${SERVERS} servers × ${REQUESTS_PER_SERVER} generated requests: only what the rules allow is accepted, once`, async () => {
    const next = random(SEED);
    const generate = generator(next);
    const outcomes = new Map<string, number>();
    for (let server = 0; server < SERVERS; server++) {
      const requireIssuer = next() < 0.2;
      const { loopback, port } = await start(requireIssuer);
      const host = (c: Case) =>
        c.host === 'right'
          ? `127.0.0.1:${port}`
          : c.host === 'wrong'
            ? `localhost:${port}`
            : undefined;
      let decided: Outcome | undefined;
      for (let i = 0; i < REQUESTS_PER_SERVER; i++) {
        const c = generate();
        const where = `case ${server}.${i}: ${c.method} ${c.target.slice(0, 200)} (host ${c.host})`;
        const status = await raw(port, request(c.method, c.target, host(c)));
        if (decided) {
          // The answer is in: the server is closed, or closing and accepting nothing.
          expect(status, where).not.toBe(200);
          continue;
        }
        const expected = model(c, port);
        if (!expected.decides) {
          expect(expected.statuses, where).toContain(status);
          continue;
        }
        decided = expectedOutcome(expected.url!.searchParams, requireIssuer);
        expect(status, where).toBe(decided.ok ? 200 : 400);
        expect(await settled(loopback.code), where).toEqual(decided);
        const kind = decided.ok ? 'accepted' : decided.error;
        outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1);
      }
      if (!decided) {
        // Nothing decided: still waiting, and the genuine answer is still accepted.
        const status = await raw(
          port,
          request(
            'GET',
            `/callback?state=${STATE}&code=good&iss=${encodeURIComponent(ISSUER)}`,
            `127.0.0.1:${port}`,
          ),
        );
        expect(status).toBe(200);
        await expect(loopback.code).resolves.toBe('good');
      }
      await loopback.close();
    }
    // The generated cases must reach every outcome, or the test proves little.
    expect([...outcomes.keys()].sort()).toEqual([
      'accepted',
      'sign_in_cancelled',
      'sign_in_failed',
      'sign_in_state_mismatch',
    ]);
  });

  it('a flood of junk, half-sent requests and other paths does not stop the genuine answer', async () => {
    const { loopback, port } = await start();
    const next = random(SEED + 1);
    const self = `127.0.0.1:${port}`;
    // Sockets that never finish their headers: they must not keep the sign-in waiting.
    const hanging = Array.from({ length: 10 }, () =>
      raw(port, `GET /callback?state=${STATE}&code=slow HTTP/1.1\r\nHost: ${self}\r\n`, {
        end: false,
      }),
    );
    const flood = Array.from({ length: 200 }, (_, i) => {
      const kind = i % 4;
      if (kind === 0) return raw(port, `\x00\x01garbage ${Math.floor(next() * 1e9)}\r\n\r\n`);
      if (kind === 1)
        return raw(port, request('GET', `/cb${i}?state=${STATE}&code=flood${i}`, self));
      if (kind === 2)
        return raw(
          port,
          request('GET', `/callback?state=${STATE}&code=flood${i}`, `evil.test:${port}`),
        );
      return raw(port, request('POST', `/callback?state=${STATE}&code=flood${i}`, self));
    });
    const genuine = raw(port, request('GET', `/callback?state=${STATE}&code=genuine`, self));
    const statuses = await Promise.all(flood);
    expect(statuses.filter((s) => s === 200)).toEqual([]);
    expect(await genuine).toBe(200);
    await expect(loopback.code).resolves.toBe('genuine');
    await loopback.close();
    expect(await Promise.all(hanging)).toEqual(hanging.map(() => 0));
    expect(await raw(port, request('GET', `/callback?state=${STATE}&code=late`, self))).toBe(0);
  });

  it('many concurrent callbacks with forged states: no forged code is ever accepted', async () => {
    for (let round = 0; round < 10; round++) {
      const { loopback, port } = await start();
      const self = `127.0.0.1:${port}`;
      const forged = Array.from({ length: 30 }, (_, i) =>
        raw(port, request('GET', `/callback?state=forged${i}&code=forged${i}`, self)),
      );
      const genuine = raw(port, request('GET', `/callback?state=${STATE}&code=genuine`, self));
      const statuses = await Promise.all([genuine, ...forged]);
      const outcome = await settled(loopback.code);
      // Whichever arrived first decided; a forged one can only end the sign-in, never pass.
      if (outcome.ok) {
        expect(outcome.code).toBe('genuine');
        expect(statuses[0]).toBe(200);
      } else {
        expect(outcome.error).toBe('sign_in_state_mismatch');
      }
      expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(1);
      expect(statuses.slice(1)).not.toContain(200);
      await loopback.close();
    }
  });
});
