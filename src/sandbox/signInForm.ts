import type { Request, Response } from 'express';
import * as z from 'zod';
import type { Account, AccountStore } from './accounts';
import type { BrowserSessions } from './browserSessions';

const SignInForm = z.object({
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(1024),
});

const WRONG_PASSWORD = 'That email and password do not match a Splattr account.';

/**
 * A posted sign-in form (the authorization server's and Settings → Security's): for a matching
 * account, starts its browser session and returns the account; otherwise answers 401 with the
 * form again, showing the error and keeping the email typed, and returns undefined.
 */
export async function signInFromForm(
  req: Request,
  res: Response,
  deps: { accounts: AccountStore; sessions: BrowserSessions },
  formView: (error: string, email: string) => string,
): Promise<Account | undefined> {
  const input = SignInForm.safeParse(req.body);
  const account = input.success
    ? await deps.accounts.verify(input.data.email, input.data.password)
    : undefined;
  if (!account) {
    const email = typeof req.body?.email === 'string' ? req.body.email : '';
    res.status(401).type('html').send(formView(WRONG_PASSWORD, email));
    return undefined;
  }
  deps.sessions.start(res, account.id);
  return account;
}
