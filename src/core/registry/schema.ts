import * as z from 'zod/mini';
import { ClientIdSchema } from '../../shared/clients';
import { AccountSchema } from '../../shared/connection';
import { CompanionError } from '../../shared/errors';
import { ClientRegistrationSchema, OAuthServerInfoSchema } from '../oauth/types';

/**
 * Connection ids name files (status, locks) and keychain entries, so they are restricted to a
 * filename-safe alphabet: an id from a damaged file can never point outside the data folder.
 */
export const ConnectionIdSchema = z
  .string()
  .check(z.regex(/^[A-Za-z0-9_-]{1,100}$/, 'a connection id is letters, digits, "-" or "_"'));

export function assertConnectionId(id: string): string {
  if (!ConnectionIdSchema.safeParse(id).success) {
    throw new CompanionError('invalid_input', 'That connection id is not valid.');
  }
  return id;
}

/**
 * `adding` and `removing` mark a change in progress, so that after a crash the service knows to
 * finish or roll back what the keychain and the client config may only half reflect.
 */
export const ConnectionStateSchema = z.enum(['adding', 'active', 'removing']);

/** Unknown keys are dropped on parse, so nothing but these fields (none secret) is ever written. */
export const ConnectionRecordSchema = z.object({
  id: ConnectionIdSchema,
  client: ClientIdSchema,
  serverUrl: z.url(),
  server: OAuthServerInfoSchema,
  registration: ClientRegistrationSchema,
  account: AccountSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  state: ConnectionStateSchema,
});
export type ConnectionRecord = z.infer<typeof ConnectionRecordSchema>;
export type ConnectionState = z.infer<typeof ConnectionStateSchema>;

export const RegistrySettingsSchema = z.object({
  serverUrl: z.optional(z.url()),
  /** A pre-registered client id (not secret; its secret is in the keychain). */
  clientId: z.optional(z.string().check(z.minLength(1))),
  clientMetadataUrl: z.optional(z.url()),
  proxyUrl: z.optional(z.string()),
  /** The person's choice; absent until the app first applied its default. */
  launchAtLogin: z.optional(z.boolean()),
});
export type RegistrySettings = z.infer<typeof RegistrySettingsSchema>;

export const RegistryContentSchema = z.object({
  connections: z.record(ConnectionIdSchema, ConnectionRecordSchema),
  settings: RegistrySettingsSchema,
});
export type RegistryContent = z.infer<typeof RegistryContentSchema>;
