import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';

const COOKIE = 'splattr_session';
const TTL_MS = 8 * 60 * 60 * 1000;

export interface BrowserSession {
  accountId: string;
  /** Echoed by every form of the Security page, so another site cannot post them. */
  csrf: string;
  expiresAt: number;
}

/**
 * The splattr.test web session, set by any sign-in form. Separate from oidc-provider's own
 * session because the Security page is Splattr's site, not part of the authorization server.
 */
export class BrowserSessions {
  private readonly sessions = new Map<string, BrowserSession>();

  start(res: Response, accountId: string): void {
    const id = randomBytes(32).toString('base64url');
    this.sessions.set(id, {
      accountId,
      csrf: randomBytes(16).toString('base64url'),
      expiresAt: Date.now() + TTL_MS,
    });
    res.cookie(COOKIE, id, { httpOnly: true, sameSite: 'lax', path: '/', maxAge: TTL_MS });
  }

  current(req: Request): BrowserSession | undefined {
    const id = readCookie(req, COOKIE);
    const session = id ? this.sessions.get(id) : undefined;
    if (!session || session.expiresAt <= Date.now()) return undefined;
    return session;
  }

  end(req: Request, res: Response): void {
    const id = readCookie(req, COOKIE);
    if (id) this.sessions.delete(id);
    res.clearCookie(COOKIE, { path: '/' });
  }
}

// express 5 does not parse cookies and one cookie does not justify cookie-parser.
function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
