import { randomBytes, randomUUID } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, redact } from '../../src/core/log';
import { expectNoSecretsUnder } from '../helpers/noSecrets';
import { withTempDir } from '../helpers/tempDir';

const token = () => randomBytes(32).toString('base64url');

describe('redact', () => {
  it('removes bearer values, token parameters and JSON fields, and long opaque strings', () => {
    const [a, r, c, v, jwt] = [
      token(),
      token(),
      token().slice(0, 20),
      token(),
      `${token()}.${token()}.${token()}`,
    ];
    const lines = [
      `GET /mcp Authorization: Bearer ${a}`,
      `POST /token grant_type=refresh_token&refresh_token=${r}&client_id=abc`,
      `GET /callback?code=${c}&state=xyz`,
      JSON.stringify({ access_token: a, refreshToken: r, code_verifier: v, expires_in: 3600 }),
      `id token ${jwt}`,
      `opaque ${v}`,
      `base64 ${randomBytes(33).toString('base64')}/${randomBytes(33).toString('base64')}`,
      `hex ${randomBytes(32).toString('hex')}`,
    ];
    const out = lines.map(redact).join('\n');
    expect(out).not.toMatch(/(base64|hex) [A-Za-z0-9+/=]{8}/);
    for (const secret of [a, r, c, v, jwt]) expect(out).not.toContain(secret);
    expect(out).toContain('grant_type=refresh_token');
    expect(out).toContain('client_id=abc');
    expect(out).toContain('"expires_in":3600');
  });

  it('keeps what a person needs to read the log: ids, URLs, error codes', () => {
    const id = randomUUID();
    const lines = [
      `connection ${id} refresh failed at http://127.0.0.1:4100/token: {"code":"server_error"}`,
      'wrote /home/someone/.config/splattr-companion/status/connection-2.json',
      'token_endpoint_auth_method=none grant_type=refresh_token',
    ];
    for (const line of lines) expect(redact(line)).toBe(line);
  });
});

describe('log file', () => {
  const dir = withTempDir('splattr-log-');

  it('lives in <dataDir>/logs, never holds a token, and stays bounded by rotating once', async () => {
    const secret = token();
    const log = createLogger(dir(), 'bridge-test', 4_096);
    expect(log.file).toBe(path.join(dir(), 'logs', 'bridge-test.log'));
    for (let i = 0; i < 200; i++) {
      log.info(`call ${i} with Authorization: Bearer ${secret}`, { refresh_token: secret });
    }
    log.error('failed', new Error(`token endpoint said refresh_token=${secret} is bad`));

    expect((await readdir(path.join(dir(), 'logs'))).sort()).toEqual([
      'bridge-test.log',
      'bridge-test.log.1',
    ]);
    for (const name of ['bridge-test.log', 'bridge-test.log.1']) {
      expect((await readFile(path.join(dir(), 'logs', name))).length).toBeLessThanOrEqual(4_096);
    }
    const last = await readFile(log.file, 'utf8');
    expect(last).toMatch(
      /error failed Error: token endpoint said refresh_token=\[redacted\] is bad\n$/,
    );
    await expectNoSecretsUnder([dir()], [secret]);
  });
});
