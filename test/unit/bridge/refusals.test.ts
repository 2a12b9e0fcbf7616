import { describe, expect, it } from 'vitest';
import { HttpStatusError, refusedForGood } from '../../../src/core/bridge/httpSession';
import { CompanionError } from '../../../src/shared/errors';

describe('which refusals from Splattr are final', () => {
  it.each([400, 403, 404, 405])('an HTTP %i would be refused again', (status) => {
    expect(refusedForGood(new HttpStatusError(status, 'refused'))).toBe(true);
  });

  it.each([409, 429, 500, 502, 503])('an HTTP %i may pass: it is tried again', (status) => {
    expect(refusedForGood(new HttpStatusError(status, 'refused'))).toBe(false);
  });

  it('a sign-in to make is final; an unreachable Splattr or another failure is not', () => {
    expect(refusedForGood(new CompanionError('needs_sign_in'))).toBe(true);
    expect(refusedForGood(new CompanionError('server_unreachable'))).toBe(false);
    expect(refusedForGood(new TypeError('fetch failed'))).toBe(false);
  });
});
