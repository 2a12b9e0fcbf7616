import { describe, expect, it } from 'vitest';
import { utcTimestamp } from '../../src/core/utcTimestamp';

describe('utcTimestamp', () => {
  it('writes what toISOString writes, to the millisecond', () => {
    const edges = [
      0,
      Date.UTC(1999, 11, 31, 23, 59, 59, 999),
      Date.UTC(2000, 1, 29, 12, 0, 0, 7),
      Date.UTC(2026, 11, 6, 6, 5, 4, 30),
      Date.UTC(9999, 11, 31, 23, 59, 59, 999),
      Date.UTC(1, 0, 1),
    ];
    // A fixed walk across four centuries instead of random draws, so a failure reproduces.
    const walk = Array.from({ length: 2000 }, (_, i) => i * 6_311_520_123);
    for (const time of [...edges, ...walk]) {
      expect(utcTimestamp(time)).toBe(new Date(time).toISOString());
      expect(utcTimestamp(new Date(time))).toBe(new Date(time).toISOString());
    }
  });

  it('keeps toISOString’s form outside four-digit years and its error for an invalid date', () => {
    const far = Date.UTC(12345, 0, 1);
    expect(utcTimestamp(far)).toBe('+012345-01-01T00:00:00.000Z');
    expect(utcTimestamp(Date.UTC(-1, 0, 1))).toBe(new Date(Date.UTC(-1, 0, 1)).toISOString());
    expect(() => utcTimestamp(Number.NaN)).toThrow(RangeError);
  });

  it('stamps the current time when given none', () => {
    const before = Date.now();
    const stamped = Date.parse(utcTimestamp());
    expect(stamped).toBeGreaterThanOrEqual(before);
    expect(stamped).toBeLessThanOrEqual(Date.now());
  });
});
