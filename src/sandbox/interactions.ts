import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type Provider from 'oidc-provider';
import * as z from 'zod';
import type { AccountStore } from './accounts';
import type { BrowserSessions } from './browserSessions';
import { consentPage, messagePage, signInPage } from './pages';
import { signInFromForm } from './signInForm';

const ConsentDetails = z.object({
  missingOIDCScope: z.array(z.string()).optional(),
  missingOIDCClaims: z.array(z.string()).optional(),
  missingResourceScopes: z.record(z.string(), z.array(z.string())).optional(),
});

/** The sign-in and consent pages the authorization server sends people to. */
export function interactionRoutes(deps: {
  provider: Provider;
  accounts: AccountStore;
  sessions: BrowserSessions;
}): Router {
  const { provider, accounts } = deps;
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '16kb' });

  router.get('/interaction/:uid', async (req, res) => {
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name === 'login') {
      res.type('html').send(loginView(details.uid));
      return;
    }
    const accountId = details.session?.accountId;
    const account = accountId ? accounts.get(accountId) : undefined;
    const client = await provider.Client.find(String(details.params.client_id));
    if (!account || !client) throw new Error('interaction lost its account or client');
    const scopes = String(details.params.scope ?? '')
      .split(' ')
      .filter(Boolean);
    res.type('html').send(
      consentPage({
        clientName: client.clientName ?? client.clientId,
        email: account.email,
        scopes,
        allowAction: `/interaction/${details.uid}/confirm`,
        denyAction: `/interaction/${details.uid}/abort`,
      }),
    );
  });

  router.post('/interaction/:uid/login', form, async (req, res) => {
    const details = await provider.interactionDetails(req, res);
    const account = await signInFromForm(req, res, deps, (error, email) =>
      loginView(details.uid, error, email),
    );
    if (!account) return;
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: account.id } },
      { mergeWithLastSubmission: false },
    );
  });

  router.post('/interaction/:uid/confirm', async (req, res) => {
    const details = await provider.interactionDetails(req, res);
    const accountId = details.session?.accountId;
    const clientId = String(details.params.client_id);
    if (details.prompt.name !== 'consent' || !accountId) {
      throw new Error('consent submitted for an interaction that does not need it');
    }
    const missing = ConsentDetails.parse(details.prompt.details);
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId, clientId });
    if (!grant) throw new Error('the grant of this interaction is gone');
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(resource, scopes.join(' '));
    }
    const grantId = await grant.save();
    await provider.interactionFinished(
      req,
      res,
      { consent: { grantId } },
      { mergeWithLastSubmission: true },
    );
  });

  router.post('/interaction/:uid/abort', async (req, res) => {
    await provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'The user denied access.' },
      { mergeWithLastSubmission: false },
    );
  });

  router.use(
    '/interaction',
    (error: unknown, _req: Request, res: Response, _next: NextFunction) => {
      const expired = error instanceof Error && error.name === 'SessionNotFound';
      res
        .status(expired ? 400 : 500)
        .type('html')
        .send(
          messagePage(
            'Sign-in problem',
            expired
              ? 'This sign-in page has expired. Go back to the app and start the sign-in again.'
              : 'Something went wrong during sign-in. Go back to the app and try again.',
          ),
        );
    },
  );

  return router;
}

function loginView(uid: string, error?: string, email?: string): string {
  return signInPage({
    action: `/interaction/${uid}/login`,
    intro: 'Sign in to connect this app to your Splattr account.',
    error,
    email,
  });
}
