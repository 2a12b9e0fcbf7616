import express, { type Request, type Response, type Router } from 'express';
import * as z from 'zod';
import type { AccountStore } from './accounts';
import type { BrowserSession, BrowserSessions } from './browserSessions';
import type { GrantDirectory } from './grants';
import { signInFromForm } from './signInForm';
import { securityPage, signInPage } from './pages';

const SECURITY_PATH = '/settings/security';
const RevokeForm = z.object({ csrf: z.string(), client_id: z.string().min(1) });
const CsrfForm = z.object({ csrf: z.string() });

/** Splattr's Settings → Security page: the account's authorized clients and revoking them. */
export function securityRoutes(deps: {
  accounts: AccountStore;
  sessions: BrowserSessions;
  grants: GrantDirectory;
}): Router {
  const { accounts, sessions, grants } = deps;
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '16kb' });

  const show = (res: Response, session: BrowserSession, notice?: string) => {
    const account = accounts.get(session.accountId);
    if (!account) throw new Error('session of an unknown account');
    res.type('html').send(
      securityPage({
        email: account.email,
        csrf: session.csrf,
        notice,
        clients: grants.list(account.id),
      }),
    );
  };

  const signInView = (error?: string, email?: string) =>
    signInPage({
      action: '/settings/sign-in',
      intro: 'Sign in to manage the apps that can use your account.',
      error,
      email,
    });

  /** The session of a form post whose CSRF token matches, else undefined. */
  const authorizedPost = (req: Request): BrowserSession | undefined => {
    const session = sessions.current(req);
    const input = CsrfForm.safeParse(req.body);
    return session && input.success && input.data.csrf === session.csrf ? session : undefined;
  };

  router.get(SECURITY_PATH, (req, res) => {
    const session = sessions.current(req);
    if (!session) {
      res.type('html').send(signInView());
      return;
    }
    show(res, session);
  });

  router.post('/settings/sign-in', form, async (req, res) => {
    if (!(await signInFromForm(req, res, deps, signInView))) return;
    res.redirect(303, SECURITY_PATH);
  });

  router.post(`${SECURITY_PATH}/revoke`, form, (req, res) => {
    const session = authorizedPost(req);
    const input = RevokeForm.safeParse(req.body);
    if (!session || !input.success) {
      res.redirect(303, SECURITY_PATH);
      return;
    }
    const name = grants
      .list(session.accountId)
      .find((c) => c.clientId === input.data.client_id)?.clientName;
    const count = grants.revoke(session.accountId, input.data.client_id);
    show(
      res,
      session,
      count > 0 ? `Access for ${name ?? 'that app'} was revoked.` : 'That app had no access left.',
    );
  });

  router.post(`${SECURITY_PATH}/revoke-all`, form, (req, res) => {
    const session = authorizedPost(req);
    if (!session) {
      res.redirect(303, SECURITY_PATH);
      return;
    }
    const count = grants.revoke(session.accountId);
    show(res, session, count > 0 ? 'Access for every app was revoked.' : 'No app had access.');
  });

  router.post('/settings/sign-out', form, (req, res) => {
    if (authorizedPost(req)) sessions.end(req, res);
    res.redirect(303, SECURITY_PATH);
  });

  return router;
}
