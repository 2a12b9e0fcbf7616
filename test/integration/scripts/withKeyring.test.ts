import { randomUUID } from 'node:crypto';
import keytar from 'keytar';
import { afterEach, describe, expect, it } from 'vitest';

const SERVICE = 'splattr-companion-test';

describe('the test keyring', () => {
  const account = `round-trip-${randomUUID()}`;
  afterEach(async () => {
    await keytar.deletePassword(SERVICE, account);
  });

  it('stores, reads back and deletes a secret through keytar and the real Secret Service', async () => {
    const secret = `secret-${randomUUID()}`;
    await keytar.setPassword(SERVICE, account, secret);
    expect(await keytar.getPassword(SERVICE, account)).toBe(secret);
    expect(await keytar.findCredentials(SERVICE)).toContainEqual({ account, password: secret });
    expect(await keytar.deletePassword(SERVICE, account)).toBe(true);
    expect(await keytar.getPassword(SERVICE, account)).toBeNull();
  });
});
