import { describe, expect, it } from 'vitest';
import { isAllowedExternalUrl } from '../../../src/main/externalLinks';

const PRODUCTION = 'https://mcp.splattr.com/mcp';
const SANDBOX = 'http://127.0.0.1:43123/mcp';

describe('links the app may open in the system browser', () => {
  it('opens https links and the sign-in page of the configured Splattr', () => {
    expect(isAllowedExternalUrl('https://splattr.com/authorize?state=x', PRODUCTION)).toBe(true);
    expect(isAllowedExternalUrl('http://127.0.0.1:43123/authorize?state=x', SANDBOX)).toBe(true);
  });

  it('refuses every other scheme, host or trick', () => {
    for (const link of [
      'http://127.0.0.1:43123/authorize',
      'http://127.0.0.1:9999/authorize',
      'http://evil.example/authorize',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://server/share',
      'splattr-companion://add?client=cursor',
      'https://user:pass@splattr.com/',
      'not a url',
    ]) {
      const configured = link.includes(':9999') ? SANDBOX : PRODUCTION;
      expect(isAllowedExternalUrl(link, configured), link).toBe(false);
    }
    expect(isAllowedExternalUrl('http://127.0.0.1:43123/authorize')).toBe(false);
  });
});
