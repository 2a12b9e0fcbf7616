import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AuthorizationResponseError,
  startLoopbackRedirect,
  type LoopbackOptions,
  type LoopbackRedirect,
} from '../../../src/core/oauth/loopback';
import { companionError } from '../../helpers/companionError';

const STATE = 'state-0123456789abcdef';
const ISSUER = 'http://127.0.0.1:4100';

const open: LoopbackRedirect[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((loopback) => loopback.close()));
});

async function start(options: Partial<LoopbackOptions> = {}) {
  const loopback = await startLoopbackRedirect({ state: STATE, issuer: ISSUER, ...options });
  open.push(loopback);
  const url = new URL(loopback.redirectUri);
  return { loopback, port: Number(url.port) };
}

interface Answer {
  status: number;
  body: string;
}

/** A raw GET, so the Host header and the target are exactly what the test says. */
function get(
  port: number,
  target: string,
  { host = `127.0.0.1:${port}`, method = 'GET', address = '127.0.0.1' } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: address, port, path: target, method, headers: { host }, agent: false },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on('error', reject);
    request.end();
  });
}

function callback(params: Record<string, string | string[]>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const one of [value].flat()) search.append(name, one);
  }
  return `/callback?${search}`;
}

/** Resolves to the connection error code: proves nothing listens there. */
function connectError(port: number, host = '127.0.0.1'): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code));
  });
}

describe('loopback redirect server', () => {
  it('listens on 127.0.0.1 only, on an ephemeral port', async () => {
    const { loopback, port } = await start();
    expect(loopback.redirectUri).toBe(`http://127.0.0.1:${port}/callback`);
    expect(port).toBeGreaterThan(0);
    expect(await connectError(port)).toBeUndefined();
    expect(await connectError(port, '::1')).toBe('ECONNREFUSED');
    // Another loopback address on the same machine: refused, so it is not bound to 0.0.0.0.
    expect(await connectError(port, '127.0.0.2')).toBe('ECONNREFUSED');
  });

  it('accepts the callback, shows a plain success page, and closes', async () => {
    const { loopback, port } = await start();
    const answer = await get(port, callback({ code: 'the-code', state: STATE, iss: ISSUER }));
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('You are signed in');
    expect(answer.body).toContain('You can close this tab');
    expect(answer.body).not.toContain('the-code');
    await expect(loopback.code).resolves.toBe('the-code');
    expect(await connectError(port)).toBe('ECONNREFUSED');
  });

  it('answers 404 on every other path and keeps waiting for the callback', async () => {
    const { loopback, port } = await start();
    for (const target of ['/', '/callback/', '/Callback', '/favicon.ico', '/callbackx?code=1']) {
      expect((await get(port, target)).status).toBe(404);
    }
    expect(
      (await get(port, callback({ code: 'c', state: STATE }), { method: 'POST' })).status,
    ).toBe(405);
    const answer = await get(port, callback({ code: 'late-code', state: STATE }));
    expect(answer.status).toBe(200);
    await expect(loopback.code).resolves.toBe('late-code');
  });

  it('ignores requests that name another host (DNS rebinding)', async () => {
    const { loopback, port } = await start();
    const answer = await get(port, callback({ code: 'c', state: STATE }), {
      host: `evil.example:${port}`,
    });
    expect(answer.status).toBe(404);
    await get(port, callback({ code: 'good', state: STATE }));
    await expect(loopback.code).resolves.toBe('good');
  });

  it('shows a forged answer (wrong, missing or repeated state) an error page and keeps waiting', async () => {
    const { loopback, port } = await start();
    let settled = false;
    void loopback.code.then(
      () => (settled = true),
      () => (settled = true),
    );
    for (const forged of [
      callback({ code: 'stolen', state: 'not-the-state' }),
      callback({ error: 'access_denied', state: 'not-the-state' }),
      callback({ code: 'c' }),
      callback({ code: 'c', state: [STATE, 'other'] }),
    ]) {
      const answer = await get(port, forged);
      expect(answer.status).toBe(400);
      expect(answer.body).toContain('did not match this request');
      expect(answer.body).toContain('still waiting');
    }
    expect(settled).toBe(false);
    // The genuine answer still ends the sign-in.
    expect((await get(port, callback({ code: 'real', state: STATE, iss: ISSUER }))).status).toBe(
      200,
    );
    await expect(loopback.code).resolves.toBe('real');
    expect(await connectError(port)).toBe('ECONNREFUSED');
  });

  it('turns access_denied into "cancelled in the browser"', async () => {
    const { loopback, port } = await start();
    const answer = await get(port, callback({ error: 'access_denied', state: STATE }));
    expect(answer.body).toContain('Sign-in was cancelled in the browser');
    const error = await companionError(loopback.code);
    expect(error.code).toBe('sign_in_cancelled');
    expect(error.message).toContain('Sign-in was cancelled in the browser');
    expect(await connectError(port)).toBe('ECONNREFUSED');
  });

  it('reports other errors as failed, keeping the OAuth error for the caller', async () => {
    const { loopback, port } = await start();
    await get(port, callback({ error: 'invalid_client', state: STATE }));
    const error = await companionError(loopback.code);
    expect(error.code).toBe('sign_in_failed');
    expect(error).toBeInstanceOf(AuthorizationResponseError);
    expect((error as AuthorizationResponseError).oauthError).toBe('invalid_client');
  });

  it('fails clearly when the code is missing or repeated', async () => {
    const first = await start();
    const answer = await get(first.port, callback({ state: STATE }));
    expect(answer.status).toBe(400);
    expect(answer.body).toContain('Sign-in did not complete');
    expect((await companionError(first.loopback.code)).code).toBe('sign_in_failed');

    const second = await start();
    await get(second.port, callback({ state: STATE, code: ['a', 'b'] }));
    expect((await companionError(second.loopback.code)).code).toBe('sign_in_failed');
  });

  it('checks iss against the expected issuer (RFC 9207)', async () => {
    const wrong = await start();
    await get(wrong.port, callback({ code: 'c', state: STATE, iss: 'http://127.0.0.1:9999' }));
    expect((await companionError(wrong.loopback.code)).code).toBe('sign_in_state_mismatch');

    const missing = await start({ requireIssuer: true });
    await get(missing.port, callback({ code: 'c', state: STATE }));
    expect((await companionError(missing.loopback.code)).code).toBe('sign_in_state_mismatch');

    const absentButOptional = await start();
    await get(absentButOptional.port, callback({ code: 'c', state: STATE }));
    await expect(absentButOptional.loopback.code).resolves.toBe('c');
  });

  it('stops on cancel and closes', async () => {
    const controller = new AbortController();
    const { loopback, port } = await start({ signal: controller.signal });
    controller.abort();
    expect((await companionError(loopback.code)).code).toBe('sign_in_aborted');
    expect(await connectError(port)).toBe('ECONNREFUSED');
  });

  it('refuses to start when already cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await companionError(
      startLoopbackRedirect({ state: STATE, issuer: ISSUER, signal: controller.signal }),
    );
    expect(error.code).toBe('sign_in_aborted');
  });

  it('times out and closes', async () => {
    const { loopback, port } = await start({ timeoutMs: 50 });
    const error = await companionError(loopback.code);
    expect(error.code).toBe('sign_in_timed_out');
    expect(error.message).toContain('took too long');
    expect(await connectError(port)).toBe('ECONNREFUSED');
  });

  it('survives hostile input and accepts only the genuine callback, once', async () => {
    const { loopback, port } = await start();
    // A query string far beyond the header limit: refused, nothing decided, still listening.
    const huge = await get(port, `/callback?code=x&state=${'A'.repeat(100_000)}`).catch(
      (error: NodeJS.ErrnoException) => ({ status: 0, body: error.code ?? '' }),
    );
    expect([0, 400, 431]).toContain(huge.status);
    for (const target of [
      '/%ZZ',
      '//callback',
      '/callback/../callback/..',
      `/${'x'.repeat(8000)}`,
    ]) {
      const answer = await get(port, target).catch(() => ({ status: 0, body: '' }));
      expect(answer.status).not.toBe(200);
    }
    await get(port, callback({ code: 'first', state: STATE }));
    await expect(loopback.code).resolves.toBe('first');
    // A second callback, genuine or not, finds nobody listening.
    expect(await connectError(port)).toBe('ECONNREFUSED');
    await expect(get(port, callback({ code: 'second', state: STATE }))).rejects.toThrow();
    await expect(loopback.code).resolves.toBe('first');
  });

  it('answers a second request on the same connection without accepting it', async () => {
    const { loopback, port } = await start();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const send = (target: string) =>
      new Promise<number>((resolve) => {
        const request = http.get({ host: '127.0.0.1', port, path: target, agent }, (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
        });
        request.on('error', () => resolve(0));
      });
    const [first, second] = await Promise.all([
      send(callback({ code: 'first', state: STATE })),
      send(callback({ code: 'second', state: STATE })),
    ]);
    agent.destroy();
    expect(first).toBe(200);
    expect(second).not.toBe(200);
    await expect(loopback.code).resolves.toBe('first');
  });
});
