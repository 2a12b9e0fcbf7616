import { describe, expect, it } from 'vitest';
import { findDeepLink, parseDeepLink } from '../../../src/main/deepLink';
import { CLIENT_IDS } from '../../../src/shared/clients';

describe('splattr-companion:// links from Splattr’s website', () => {
  it('reads “add this client” in the forms browsers and OSes hand over', () => {
    expect(parseDeepLink('splattr-companion://add?client=cursor')).toEqual({
      action: 'add',
      client: 'cursor',
    });
    expect(parseDeepLink('splattr-companion://add/?client=claude-desktop')).toEqual({
      action: 'add',
      client: 'claude-desktop',
    });
    expect(parseDeepLink('splattr-companion:add?client=cursor')?.client).toBe('cursor');
    // Every client the app knows can be named in a link.
    for (const client of CLIENT_IDS) {
      expect(parseDeepLink(`splattr-companion://add?client=${client}`)?.client).toBe(client);
    }
  });

  it('ignores anything else rather than guessing', () => {
    for (const link of [
      'splattr-companion://remove?client=cursor',
      'splattr-companion://add?client=notepad',
      'splattr-companion://add',
      'https://add?client=cursor',
      'javascript:alert(1)',
      'not a url',
    ]) {
      expect(parseDeepLink(link), link).toBeNull();
    }
  });

  it('finds the link among the arguments of a second instance (Windows, Linux)', () => {
    const argv = [
      '/opt/Splattr Companion/splattr-companion',
      '--flag',
      'splattr-companion://add?client=cursor',
    ];
    expect(findDeepLink(argv)).toBe('splattr-companion://add?client=cursor');
    expect(findDeepLink(['/opt/app', '--flag'])).toBeUndefined();
  });
});
