import * as z from 'zod';
import { ClientIdSchema, ClientInfoSchema } from './clients';
import { ConnectionSchema } from './connection';
import { ErrorInfoSchema } from './errors';

const ConnectionRef = z.object({ id: z.string().min(1).max(200) });

export const SettingsSchema = z.object({
  /** The Splattr MCP URL in use; SPLATTR_MCP_URL overrides it. */
  serverUrl: z.url(),
  /**
   * Advanced: a client id the Splattr administrator registered for this app (its secret, if
   * any, comes from SPLATTR_CLIENT_SECRET and is kept in the keychain). Empty: none.
   */
  clientId: z.string().trim().max(500).optional(),
  /** Advanced: where the app's client metadata document is hosted; SPLATTR_CLIENT_METADATA_URL overrides it. */
  clientMetadataUrl: z.url().optional(),
  /**
   * A proxy for every request to Splattr, over HTTPS_PROXY / HTTP_PROXY: bridges read it too,
   * as clients launch them without the person's environment. Empty or absent: none.
   */
  proxyUrl: z.string().max(2048).optional(),
  /**
   * Whether the app opens when the person logs in. Only the tray app has it: absent from what
   * the CLI answers, and left as it is when a change does not name it.
   */
  launchAtLogin: z.boolean().optional(),
});
export type Settings = z.infer<typeof SettingsSchema>;

export const AddResultSchema = z.object({
  connection: ConnectionSchema,
  /** What the person must do for the client to load Splattr, if anything. */
  nextStep: z.enum(['restart_client', 'enable_in_client', 'none']),
});
export type AddResult = z.infer<typeof AddResultSchema>;

export const TestResultSchema = z.object({
  ok: z.boolean(),
  toolCount: z.number().int().nonnegative(),
  milliseconds: z.number().nonnegative(),
  error: z.string().optional(),
});
export type TestResult = z.infer<typeof TestResultSchema>;

/**
 * Every call the UI can make, as data: the IPC handlers in main, the preload proxy and the test
 * harness are all built from this one table, so a renamed call fails to compile everywhere.
 * Each call takes one argument object and answers one value.
 */
export const API_METHODS = {
  listClients: { input: z.object({}), output: z.array(ClientInfoSchema) },
  listConnections: { input: z.object({}), output: z.array(ConnectionSchema) },
  add: {
    input: z.object({
      client: ClientIdSchema,
      /** Overwrite a `splattr` entry that Splattr Companion did not write. */
      replace: z.boolean().optional(),
      /** Another Splattr MCP URL than the configured one (the CLI's --server). */
      serverUrl: z.url().optional(),
      /** A pre-registered client id (the CLI's --client-id); the secret comes from the environment. */
      clientId: z.string().trim().min(1).max(500).optional(),
    }),
    output: AddResultSchema,
  },
  cancelSignIn: { input: z.object({}), output: z.null() },
  reconnect: { input: ConnectionRef, output: ConnectionSchema },
  test: { input: ConnectionRef, output: TestResultSchema },
  repair: { input: ConnectionRef, output: ConnectionSchema },
  remove: { input: ConnectionRef, output: z.null() },
  restartClient: { input: z.object({ client: ClientIdSchema }), output: z.null() },
  getSettings: { input: z.object({}), output: SettingsSchema },
  setSettings: { input: SettingsSchema, output: SettingsSchema },
  openSignInLink: { input: z.object({}), output: z.null() },
} as const;

export type ApiMethod = keyof typeof API_METHODS;
export type ApiInput<M extends ApiMethod> = z.input<(typeof API_METHODS)[M]['input']>;
export type ApiOutput<M extends ApiMethod> = z.output<(typeof API_METHODS)[M]['output']>;

/** Events the UI receives. */
export const CompanionEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('connections-changed'), connections: z.array(ConnectionSchema) }),
  z.object({
    type: z.literal('sign-in-pending'),
    client: ClientIdSchema,
    /** The authorization URL, to show or copy when no browser opens. */
    url: z.string(),
  }),
  z.object({ type: z.literal('sign-in-finished'), client: ClientIdSchema }),
  z.object({ type: z.literal('needs-sign-in'), connection: ConnectionSchema }),
  z.object({ type: z.literal('focus-connection'), id: z.string() }),
  z.object({ type: z.literal('deep-link-add'), client: ClientIdSchema }),
  /**
   * The app moved or was updated, and its start pointed these clients' entries at the new copy;
   * `restart` lists those that read their config only at launch.
   */
  z.object({
    type: z.literal('entries-healed'),
    clients: z.array(ClientIdSchema),
    restart: z.array(ClientIdSchema),
  }),
]);
export type CompanionEvent = z.infer<typeof CompanionEventSchema>;

export type CompanionApi = {
  [M in ApiMethod]: (input: ApiInput<M>) => Promise<ApiOutput<M>>;
} & {
  /** Subscribes to events; returns the unsubscribe function. */
  onEvent(listener: (event: CompanionEvent) => void): () => void;
};

/** What crosses a process boundary: errors travel as data, never as thrown objects. */
export const ApiResultSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: ErrorInfoSchema }),
]);
export type ApiResult = z.infer<typeof ApiResultSchema>;

export const IPC_CALL_CHANNEL = 'splattr:call';
export const IPC_EVENT_CHANNEL = 'splattr:event';
