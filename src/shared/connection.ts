import * as z from 'zod/mini';
import { ClientIdSchema } from './clients';

export const CONNECTION_STATUSES = [
  'connected',
  'needs_sign_in',
  'missing_from_config',
  /** The client's entry names an executable or script that is gone, or an older copy of the app. */
  'needs_repair',
  'error',
] as const;
export const ConnectionStatusSchema = z.enum(CONNECTION_STATUSES);
export type ConnectionStatus = z.infer<typeof ConnectionStatusSchema>;

/** What Repair fixes: the client's entry is gone, or names a launcher the client cannot use. */
export function isRepairable(status: ConnectionStatus): boolean {
  return status === 'missing_from_config' || status === 'needs_repair';
}

export const STATUS_LABELS: Record<ConnectionStatus, string> = {
  connected: 'Connected',
  needs_sign_in: 'Needs sign-in',
  missing_from_config: 'Missing from config',
  needs_repair: 'Needs repair',
  error: 'Error',
};

/** What the app shows on a connection that needs sign-in (the bridge tells the AI client more). */
export const NEEDS_SIGN_IN_HINT =
  'Splattr access ended (it was revoked or expired). Click Reconnect to sign in again.';

/** All optional: a server may not say who signed in (no ID token, no userinfo). */
export const AccountSchema = z.object({
  email: z.optional(z.string()),
  name: z.optional(z.string()),
  organization: z.optional(z.string()),
});
export type Account = z.infer<typeof AccountSchema>;

/** What the UI and the CLI say when the server did not say who signed in. */
export const ACCOUNT_NOT_SHARED = 'account not shared by the server';
export const ACCOUNT_NOT_SHARED_SENTENCE =
  'The Splattr server did not share which account signed in.';

/** Whether the server said who signed in (OAuth servers need not). */
export function accountShared(account: Account): boolean {
  return Boolean(account.email ?? account.name);
}

/** What the UI and `list --json` see of a connection. Never holds a secret. */
export const ConnectionSchema = z.object({
  id: z.string(),
  client: ClientIdSchema,
  serverUrl: z.string(),
  status: ConnectionStatusSchema,
  account: AccountSchema,
  createdAt: z.string(),
  lastUsedAt: z.optional(z.string()),
  /** A sentence a person can act on, when status is not `connected`. */
  lastError: z.optional(z.string()),
});
export type Connection = z.infer<typeof ConnectionSchema>;

/** "demo@splattr.test · Acme": the account as the UI, the tray and the CLI name it. */
export function accountLine(connection: Pick<Connection, 'account'>): string {
  const { email, name, organization } = connection.account;
  const who = email ?? name ?? ACCOUNT_NOT_SHARED;
  return organization ? `${who} · ${organization}` : who;
}

/** "2 connected · 1 needs sign-in": the state of every connection at a glance (tray and CLI). */
export function statusSummary(connections: readonly Pick<Connection, 'status'>[]): string {
  if (connections.length === 0) return 'No connections yet';
  const needSignIn = connections.filter((c) => c.status === 'needs_sign_in').length;
  const broken = connections.filter((c) => c.status === 'error' || isRepairable(c.status)).length;
  const connected = connections.length - needSignIn - broken;
  return [
    connected && `${connected} connected`,
    needSignIn && `${needSignIn} need${needSignIn === 1 ? 's' : ''} sign-in`,
    broken && `${broken} need${broken === 1 ? 's' : ''} attention`,
  ]
    .filter(Boolean)
    .join(' · ');
}
