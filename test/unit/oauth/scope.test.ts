import { describe, expect, it } from 'vitest';
import { mergeScopes, stepUpScope } from '../../../src/core/oauth/scope';

const forbidden = (header: string, status = 403) => ({
  status,
  headers: new Headers({ 'www-authenticate': header }),
});

describe('step-up scope', () => {
  it('adds the scope a 403 insufficient_scope challenge asks for to what is held', () => {
    const scope = stepUpScope(
      'openid email profile',
      forbidden('Bearer error="insufficient_scope", scope="contacts:write email"'),
    );
    expect(scope).toBe('openid email profile contacts:write');
  });

  it('asks for nothing when the challenge wants only what is already held (no loop)', () => {
    const held = 'openid email profile contacts:write';
    expect(
      stepUpScope(held, forbidden('Bearer error="insufficient_scope", scope="contacts:write"')),
    ).toBeUndefined();
  });

  it('ignores answers that are not an insufficient_scope challenge', () => {
    expect(stepUpScope('openid', forbidden('Bearer error="invalid_token"'))).toBeUndefined();
    expect(
      stepUpScope('openid', forbidden('Bearer error="insufficient_scope", scope="x"', 401)),
    ).toBeUndefined();
    expect(stepUpScope('openid', forbidden('Bearer error="insufficient_scope"'))).toBeUndefined();
  });

  it('merges scope lists without repeats, keeping their order', () => {
    expect(mergeScopes('openid  email', undefined, 'email profile', '')).toBe(
      'openid email profile',
    );
  });
});
