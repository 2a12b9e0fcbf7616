import { describe, expect, it } from 'vitest';
import { isSecureUrl, requireSecureServerUrl } from '../../../src/core/oauth/secureUrl';
import { thrownCompanionError } from '../../helpers/companionError';

describe('the https rule', () => {
  it('allows https anywhere and plain http to this computer only', () => {
    for (const allowed of [
      'https://mcp.splattr.com/mcp',
      'http://127.0.0.1:4100/mcp',
      'http://127.1/mcp',
      'http://127.255.0.9/mcp',
      'http://localhost:4100/mcp',
      'http://[::1]:4100/mcp',
    ]) {
      expect(isSecureUrl(new URL(allowed)), allowed).toBe(true);
    }
    for (const refused of [
      'http://mcp.splattr.com/mcp',
      'http://localhost.splattr.example/mcp',
      'http://127.0.0.1.nip.io/mcp',
      'http://10.0.0.1/mcp',
      'http://[::2]/mcp',
      'ftp://127.0.0.1/mcp',
    ]) {
      expect(isSecureUrl(new URL(refused)), refused).toBe(false);
    }
  });

  it('says why, as a sentence, for an address a person typed', () => {
    const error = thrownCompanionError(() => requireSecureServerUrl('http://mcp.splattr.com/mcp'));
    expect(error.code).toBe('invalid_input');
    expect(error.message).toBe(
      'The Splattr server address must start with https:// (plain http:// is allowed only for this computer: localhost, 127.0.0.1 or ::1), so it was not contacted.',
    );
    expect(thrownCompanionError(() => requireSecureServerUrl('mcp.splattr.com')).message).toBe(
      'The Splattr server address is not a valid URL.',
    );
  });
});
