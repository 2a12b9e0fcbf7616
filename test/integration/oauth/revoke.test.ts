import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { refreshTokens } from '../../../src/core/oauth/refresh';
import { revokeRefreshToken } from '../../../src/core/oauth/revoke';
import { startSandbox, type Sandbox } from '../../../src/sandbox';
import { createConnectionFixture, type ConnectionFixture } from '../../helpers/connectionFixture';
import { expectNoSecretsUnder } from '../../helpers/noSecrets';

const EMAIL = 'demo@splattr.test';
let sandbox: Sandbox;
let home: string;
let fixture: ConnectionFixture;

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox?.close();
});
beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'splattr-revoke-'));
  fixture = await createConnectionFixture(sandbox, { dataDir: path.join(home, 'data') });
});
afterEach(async () => {
  await expectNoSecretsUnder([home], await fixture.secrets());
  await fixture.dispose();
  await rm(home, { recursive: true, force: true });
});

describe('revokeRefreshToken (RFC 7009)', () => {
  it('ends the grant: Splattr no longer lists it and the refresh token is refused', async () => {
    const { record, tokens } = fixture;
    const clientId = record.registration.clientId;
    expect((await sandbox.controls.listGrants(EMAIL)).map((g) => g.clientId)).toContain(clientId);

    expect(await revokeRefreshToken(record.server, record.registration, tokens.refreshToken!)).toBe(
      true,
    );

    expect((await sandbox.controls.listGrants(EMAIL)).map((g) => g.clientId)).not.toContain(
      clientId,
    );
    expect(await refreshTokens(record.server, record.registration, tokens.refreshToken!)).toEqual({
      kind: 'invalid_grant',
    });
  });

  it('answers false without throwing when the server is down or never answers', async () => {
    const { record, tokens } = fixture;
    // A port that accepts connections and never answers, and one that refuses them.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const silentPort = (silent.address() as AddressInfo).port;
    const refused = createServer();
    await new Promise<void>((resolve) => refused.listen(0, '127.0.0.1', resolve));
    const refusedPort = (refused.address() as AddressInfo).port;
    await new Promise((resolve) => refused.close(resolve));
    try {
      for (const port of [refusedPort, silentPort]) {
        const server = {
          ...record.server,
          revocationEndpoint: `http://127.0.0.1:${port}/token/revocation`,
        };
        expect(
          await revokeRefreshToken(server, record.registration, tokens.refreshToken!, {
            timeoutMs: 300,
          }),
        ).toBe(false);
      }
    } finally {
      silent.close();
    }
    // Nothing reached the real server: the grant is still there.
    expect((await sandbox.controls.listGrants(EMAIL)).map((g) => g.clientId)).toContain(
      record.registration.clientId,
    );
  });
});
