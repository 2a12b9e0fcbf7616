import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** What a `requestState` is bound to, so it cannot be replayed by someone else or elsewhere. */
export interface RequestBinding {
  /** The authenticated principal (the account behind the token), or '' when there is none. */
  principal: string;
  method: string;
  /** `params.name` (or `params.uri`) and the arguments of the request that asked for input. */
  name: string;
  arguments: unknown;
}

const TTL_MS = 10 * 60_000;

/**
 * Signs and checks the opaque `requestState` of MRTR results (basic/patterns/mrtr.mdx, Server
 * Requirements 4 and 5): HMAC-protected, bound to the principal, the request and a short expiry.
 * Hand-written because no library implements MRTR yet; `node:crypto` does the cryptography.
 */
export class RequestStates {
  private readonly key = randomBytes(32);

  sign(binding: RequestBinding, now = Date.now()): string {
    const payload = Buffer.from(
      JSON.stringify({ d: this.digest(binding), exp: now + TTL_MS }),
    ).toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  /** True when the state is ours, unexpired, and was issued for this very principal and request. */
  verify(state: string, binding: RequestBinding, now = Date.now()): boolean {
    const [payload, mac] = state.split('.');
    if (!payload || !mac) return false;
    const expected = Buffer.from(this.mac(payload));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return false;
    try {
      const { d, exp } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
        d?: unknown;
        exp?: unknown;
      };
      return d === this.digest(binding) && typeof exp === 'number' && exp > now;
    } catch {
      return false;
    }
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }

  private digest(binding: RequestBinding): string {
    return createHash('sha256').update(canonicalJson(binding)).digest('base64url');
  }
}

/** JSON with object keys sorted, so the same arguments digest the same however they were sent. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
