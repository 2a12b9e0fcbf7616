import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { AddResult, CompanionApi, CompanionEvent, Settings } from '../../shared/api';
import { CLIENT_NAMES, type ClientId } from '../../shared/clients';
import { isRepairable, type Connection } from '../../shared/connection';
import { CompanionError } from '../../shared/errors';
import { parseProxySetting } from '../../shared/proxy';
import { DEFAULT_CLIENT_METADATA_URL, DEFAULT_SPLATTR_MCP_URL } from '../../shared/server';
import { checkBridge } from './bridgeCheck';
import { assertLastingLocation, temporaryLocation } from '../appLauncher';
import {
  buildBridgeEntry,
  entryHealth,
  healEntry,
  type BridgeEntry,
  type BridgeLauncher,
} from '../bridgeEntry';
import {
  clients,
  describeClient,
  entryConflict,
  getClient,
  type ClientContext,
  type McpClient,
} from '../clients';
import { viewConnection } from './connectionView';
import { createClientSecretStore, type ClientSecretStore } from '../credentials/clientSecretStore';
import { createLaunchAtLogin, type LoginItem } from './launchAtLogin';
import { createTokenManager } from '../credentials/tokenManager';
import { createTokenStore, type TokenStore } from '../credentials/tokenStore';
import { failpoint } from '../failpoints';
import { createLogger } from '../log';
import { createNetworkFetch } from '../net/fetch';
import { revokeRefreshToken } from '../oauth/revoke';
import { requireSecureServerUrl, requireSecureUrl } from '../oauth/secureUrl';
import { signIn, type SignInOptions } from '../oauth/signIn';
import type { SignInResult } from '../oauth/types';
import { dataDir } from '../paths';
import { openRegistry } from '../registry/registry';
import type { ConnectionRecord } from '../registry/schema';
import { openStatusFiles } from '../registry/statusFiles';
import { utcTimestamp } from '../utcTimestamp';

export interface CompanionServiceOptions {
  launcher: BridgeLauncher;
  /** Opens the sign-in URL: Electron's shell.openExternal in the app, the system opener in the CLI. */
  openBrowser: (url: string) => Promise<void>;
  env?: NodeJS.ProcessEnv;
  /** How long a browser sign-in may take; 5 minutes by default. */
  signInTimeoutMs?: number;
  tokenStore?: TokenStore;
  clientSecrets?: ClientSecretStore;
  /** The OS's login items; only the tray app has one to offer (see launchAtLogin.ts). */
  loginItem?: LoginItem;
}

export type HealedEntries = Omit<Extract<CompanionEvent, { type: 'entries-healed' }>, 'type'>;

export type CompanionService = CompanionApi & {
  /**
   * Points every entry a client could no longer start, or that names an older copy of the app,
   * at this one, and answers which clients changed (`restart`: those that read their config
   * only at launch). The app calls it at each start; the CLI only reports such entries
   * (`needs_repair`), since it may run from anywhere.
   */
  healEntries(): Promise<HealedEntries>;
  dispose(): Promise<void>;
};

/**
 * The one implementation of CompanionApi, shared by the app (over IPC), the CLI and the tests.
 * Each change to a connection is ordered so that a crash at any point leaves a state the next
 * start can finish or undo: the registry record is written first (state `adding`/`removing`)
 * and deleted last.
 */
export async function createCompanionService(
  options: CompanionServiceOptions,
): Promise<CompanionService> {
  const env = options.env ?? process.env;
  const dir = dataDir(env);
  const ctx: ClientContext = { env };
  const registry = openRegistry({ dataDir: dir });
  const statusFiles = openStatusFiles(dir);
  const tokenStore = options.tokenStore ?? createTokenStore();
  const clientSecrets = options.clientSecrets ?? createClientSecretStore();
  // Sign-in, refresh and revoke reach Splattr as the bridges do: through the proxy and trust of
  // this computer, the proxy setting read anew for each request.
  const fetch = createNetworkFetch(() => ({ env, proxyUrl: registry.getSettings().proxyUrl }));
  const tokens = createTokenManager({
    dataDir: dir,
    tokenStore,
    clientSecrets,
    registry,
    statusFiles,
    fetch,
  });
  const log = createLogger(dir, 'app');
  const events = new EventEmitter();
  let pending: { controller: AbortController; url?: string } | undefined;

  // A data folder moved with SPLATTR_COMPANION_HOME must reach the bridge too: the client
  // launches it with its own environment, so the entry carries it.
  const launcher: BridgeLauncher = {
    ...options.launcher,
    env: {
      ...options.launcher.env,
      ...(env.SPLATTR_COMPANION_HOME ? { SPLATTR_COMPANION_HOME: dir } : {}),
    },
  };
  const entryFor = (id: string): BridgeEntry => buildBridgeEntry(launcher, id);
  const launchAtLogin = createLaunchAtLogin(options.loginItem, registry);

  const emit = (event: CompanionEvent) => events.emit('event', event);

  function serverUrl(): string {
    return env.SPLATTR_MCP_URL ?? registry.getSettings().serverUrl ?? DEFAULT_SPLATTR_MCP_URL;
  }

  function clientMetadataUrl(): string {
    return (
      env.SPLATTR_CLIENT_METADATA_URL ??
      registry.getSettings().clientMetadataUrl ??
      DEFAULT_CLIENT_METADATA_URL
    );
  }

  /** Sign-in options every sign-in shares: where our metadata document is. */
  function clientOptions(): Pick<SignInOptions, 'clientMetadataUrl'> {
    return { clientMetadataUrl: clientMetadataUrl() };
  }

  function activeRecord(id: string): ConnectionRecord {
    const record = registry.get(id);
    if (!record || record.state !== 'active') throw new CompanionError('connection_not_found');
    return record;
  }

  async function view(record: ConnectionRecord): Promise<Connection> {
    const status = await statusFiles.read(record.id);
    return viewConnection(record, status, getClient(record.client), ctx, launcher);
  }

  async function listConnections(): Promise<Connection[]> {
    const records = registry.list().filter((record) => record.state === 'active');
    return Promise.all(records.map(view));
  }

  async function announceChange(): Promise<void> {
    emit({ type: 'connections-changed', connections: await listConnections() });
  }

  /** One browser sign-in at a time, cancellable, its URL always available to show or copy. */
  async function runSignIn(
    client: ClientId,
    overrides: Partial<SignInOptions> & { serverUrl: string },
  ): Promise<SignInResult> {
    if (pending) {
      throw new CompanionError(
        'busy',
        'A sign-in is already waiting in your browser. Finish it or cancel it first.',
      );
    }
    const current = { controller: new AbortController(), url: undefined as string | undefined };
    pending = current;
    try {
      return await signIn({
        clientName: `Splattr Companion for ${CLIENT_NAMES[client]}`,
        openBrowser: options.openBrowser,
        onAuthorizationUrl: (url) => {
          current.url = url;
          emit({ type: 'sign-in-pending', client, url });
        },
        signal: current.controller.signal,
        timeoutMs: options.signInTimeoutMs,
        fetch,
        ...overrides,
      });
    } finally {
      pending = undefined;
      emit({ type: 'sign-in-finished', client });
    }
  }

  /**
   * Removes everything of a connection; each step tolerates what an earlier crash already did.
   * `signedInRefreshToken` is an add's own token, which the keychain may not hold yet: the grant
   * is revoked with it so that a failed add leaves nothing at Splattr either.
   */
  async function finishRemoval(
    record: ConnectionRecord,
    signedInRefreshToken?: string,
  ): Promise<void> {
    await getClient(record.client).removeEntry({ connectionId: record.id }, ctx);
    failpoint('remove:after-config', env);
    const stored = await tokenStore.get(record.id).catch(() => undefined);
    const refreshToken = stored?.refreshToken ?? signedInRefreshToken;
    if (refreshToken) {
      const secret = await clientSecrets.get(record.id).catch(() => undefined);
      const revoked = await revokeRefreshToken(record.server, record.registration, refreshToken, {
        clientSecret: secret?.clientSecret,
        fetch,
      });
      if (!revoked) log.warn('revocation at Splattr failed; local data removed anyway');
    }
    failpoint('remove:after-revoke', env);
    await tokenStore.delete(record.id);
    await clientSecrets.delete(record.id);
    failpoint('remove:after-tokens', env);
    await statusFiles.remove(record.id);
    registry.delete(record.id);
  }

  /** Finishes or undoes whatever a crash interrupted, so registry, configs and keychain agree. */
  async function recover(): Promise<void> {
    for (const record of registry.list()) {
      if (record.state === 'active') continue;
      log.info(`completing an interrupted ${record.state === 'adding' ? 'add' : 'remove'}`);
      // An interrupted add is undone, an interrupted remove finished: both mean removing.
      await finishRemoval(record).catch((error: unknown) =>
        log.error('recovery failed', { error: String(error) }),
      );
    }
    // No sweep of keychain entries this registry does not know: add writes the record before
    // the tokens and remove deletes it after them, so a crash leaves no orphan, and the keychain
    // is shared by every data folder (SPLATTR_COMPANION_HOME) — a sweep deleted their tokens.
  }

  /**
   * Writes the client's entry for a connection as this app launches it now. An entry of ours is
   * healed rather than replaced, so what a person added around it stays.
   */
  async function writeEntry(record: ConnectionRecord): Promise<void> {
    assertLastingLocation(launcher.command, process.platform);
    const client = getClient(record.client);
    const current = await client.readEntry(ctx);
    const ours = current.kind === 'ours' && current.connectionId === record.id;
    await client.addEntry(ours ? healEntry(current.entry, launcher) : entryFor(record.id), {}, ctx);
  }

  async function healEntries(): Promise<HealedEntries> {
    const temporary = temporaryLocation(launcher.command, process.platform);
    if (temporary) {
      log.warn('entries not healed: this copy of the app will not last', { reason: temporary });
      return { clients: [], restart: [] };
    }
    const healed: McpClient[] = [];
    for (const record of registry.list().filter((r) => r.state === 'active')) {
      const client = getClient(record.client);
      try {
        const current = await client.readEntry(ctx);
        if (current.kind !== 'ours' || current.connectionId !== record.id) continue;
        const health = entryHealth(current.entry, launcher);
        if (health !== 'missing' && health !== 'moved') continue;
        await client.addEntry(healEntry(current.entry, launcher), {}, ctx);
        healed.push(client);
        log.info('entry pointed at this copy of the app', { client: client.id, was: health });
      } catch (error) {
        // A client whose config cannot be read or written shows that on its connection.
        log.warn('entry not healed', { client: client.id, error: String(error) });
      }
    }
    if (healed.length > 0) await announceChange();
    return {
      clients: healed.map((client) => client.id),
      restart: healed.filter((c) => c.needsRestartAfterChange).map((client) => client.id),
    };
  }

  async function add(input: {
    client: ClientId;
    replace?: boolean;
    serverUrl?: string;
    clientId?: string;
  }): Promise<AddResult> {
    const url = input.serverUrl ?? serverUrl();
    requireSecureServerUrl(url);
    const client = getClient(input.client);
    // Refuse before the browser opens what would make the add fail after sign-in.
    assertLastingLocation(launcher.command, process.platform);
    const existing = await client.readEntry(ctx);
    if (existing.kind === 'foreign' && !input.replace) {
      throw entryConflict(client.name, client.configPath(ctx));
    }
    if (existing.kind === 'ours' && registry.get(existing.connectionId)?.state === 'active') {
      throw new CompanionError(
        'already_connected',
        `Splattr is already added to ${client.name}. Use Reconnect or Remove on that connection.`,
      );
    }

    const id = `${client.id}-${randomBytes(4).toString('hex')}`;
    // Reading the entry the tokens will go to (it does not exist yet) proves the keychain
    // answers before the person signs in for nothing; unlike listing, it reads no other secret.
    await tokenStore.get(id);

    const preRegisteredId = input.clientId ?? registry.getSettings().clientId;
    const result = await runSignIn(client.id, {
      serverUrl: url,
      ...clientOptions(),
      ...(preRegisteredId
        ? {
            preRegistered: {
              clientId: preRegisteredId,
              clientSecret: env.SPLATTR_CLIENT_SECRET || undefined,
            },
          }
        : {}),
    });
    const now = utcTimestamp();
    const record = registry.put({
      id,
      client: client.id,
      serverUrl: url,
      server: result.server,
      registration: result.registration,
      account: result.account,
      createdAt: now,
      updatedAt: now,
      state: 'adding',
    });
    try {
      failpoint('add:after-record', env);
      await keepClientSecret(record.id, result.clientSecret);
      await tokens.storeTokens(record.id, result.tokens);
      failpoint('add:after-tokens', env);
      await client.addEntry(entryFor(record.id), { replace: input.replace }, ctx);
      failpoint('add:after-config', env);
      registry.update(record.id, { state: 'active' });
    } catch (error) {
      await finishRemoval(record, result.tokens.refreshToken).catch((undo: unknown) =>
        log.error('could not undo a failed add', { error: String(undo) }),
      );
      throw error;
    }
    await announceChange();
    return {
      connection: await view(activeRecord(record.id)),
      nextStep: client.needsRestartAfterChange ? 'restart_client' : 'enable_in_client',
    };
  }

  async function reconnect({ id }: { id: string }): Promise<Connection> {
    const record = activeRecord(id);
    const stepUp = (await statusFiles.read(id))?.stepUpScope;
    // Read only for a confidential client: a public one has none, and this is a keychain trip.
    const method = record.registration.tokenEndpointAuthMethod ?? 'none';
    const keptSecret = method === 'none' ? undefined : (await clientSecrets.get(id))?.clientSecret;
    // Discovery runs again (no stored server info): the resource may name another
    // authorization server now, and a registration is reused only with its own issuer.
    const result = await runSignIn(record.client, {
      serverUrl: record.serverUrl,
      ...clientOptions(),
      registration: { issuer: record.server.issuer, ...record.registration },
      clientSecret: keptSecret,
      ...(stepUp ? { scope: stepUp } : {}),
    });
    await keepClientSecret(id, result.clientSecret, keptSecret);
    // storeTokens clears needs-sign-in: the running bridges notice and carry on.
    await tokens.storeTokens(id, result.tokens);
    registry.update(id, {
      server: result.server,
      registration: result.registration,
      account: result.account,
    });
    await statusFiles.update(id, {
      needsSignIn: false,
      lastError: undefined,
      stepUpScope: undefined,
    });
    // One click brings back an entry the client dropped or can no longer start, too.
    if (isRepairable((await view(activeRecord(id))).status)) await writeEntry(record);
    await announceChange();
    return view(activeRecord(id));
  }

  /** The keychain holds the secret of the registration in use, or nothing. */
  async function keepClientSecret(
    id: string,
    clientSecret: string | undefined,
    previous?: string,
  ): Promise<void> {
    if (clientSecret === previous) return;
    if (clientSecret) await clientSecrets.set(id, { clientSecret });
    else await clientSecrets.delete(id);
  }

  async function repair({ id }: { id: string }): Promise<Connection> {
    const record = activeRecord(id);
    await writeEntry(record);
    await announceChange();
    return view(record);
  }

  async function remove({ id }: { id: string }): Promise<null> {
    const record = activeRecord(id);
    // Reading the config first means a file that does not parse stops the removal before
    // anything changed, rather than leaving a half-removed connection.
    await getClient(record.client).readEntry(ctx);
    const removing = registry.update(id, { state: 'removing' });
    await finishRemoval(removing);
    await announceChange();
    return null;
  }

  async function test({ id }: { id: string }) {
    const record = activeRecord(id);
    const existing = await getClient(record.client).readEntry(ctx);
    const ours = existing.kind === 'ours' && existing.connectionId === id;
    if (ours && entryHealth(existing.entry, launcher) === 'missing') {
      // Starting what is gone would only say Splattr is unreachable; say what fixes it instead.
      return { ok: false, toolCount: 0, milliseconds: 0, error: (await view(record)).lastError };
    }
    const entry = ours ? existing.entry : entryFor(id);
    // The bridge it starts writes its status file; the watcher below announces that.
    return checkBridge(entry, env);
  }

  function currentSettings(): Settings {
    const { clientId, proxyUrl } = registry.getSettings();
    return {
      serverUrl: serverUrl(),
      clientMetadataUrl: clientMetadataUrl(),
      ...(clientId ? { clientId } : {}),
      ...(proxyUrl ? { proxyUrl } : {}),
    };
  }

  await recover();
  await launchAtLogin
    .applyDefault()
    .catch((error: unknown) => log.warn('launch at login not set', { error: String(error) }));

  // Bridges report through status files; turn their changes into events for the UI.
  const needsSignIn = new Set<string>();
  const stopWatching = await statusFiles.watch((ids) => {
    void (async () => {
      const connections = await listConnections();
      emit({ type: 'connections-changed', connections });
      for (const connection of connections) {
        const needs = connection.status === 'needs_sign_in';
        if (needs && !needsSignIn.has(connection.id) && ids.includes(connection.id)) {
          emit({ type: 'needs-sign-in', connection });
        }
        if (needs) needsSignIn.add(connection.id);
        else needsSignIn.delete(connection.id);
      }
    })().catch((error: unknown) => log.error('status change not read', { error: String(error) }));
  });

  const service: CompanionService = {
    listClients: () => Promise.all(clients.map((client) => describeClient(client, ctx))),
    listConnections,
    add,
    async cancelSignIn() {
      pending?.controller.abort();
      return null;
    },
    reconnect,
    test,
    repair,
    remove,
    healEntries,
    async restartClient({ client }) {
      await getClient(client).restart?.(ctx);
      return null;
    },
    async getSettings(): Promise<Settings> {
      return { ...currentSettings(), ...(await launchAtLogin.read()) };
    },
    async setSettings(settings) {
      // Refused before anything is saved, so no later sign-in sends anything over plain http.
      requireSecureServerUrl(settings.serverUrl);
      if (settings.clientMetadataUrl) {
        requireSecureUrl(
          settings.clientMetadataUrl,
          'The client metadata document address',
          'invalid_input',
        );
      }
      const proxyUrl = settings.proxyUrl?.trim() || undefined;
      if (proxyUrl) parseProxySetting(proxyUrl);
      await launchAtLogin.write(settings.launchAtLogin);
      registry.setSettings({
        serverUrl: settings.serverUrl,
        clientId: settings.clientId || undefined,
        clientMetadataUrl: settings.clientMetadataUrl,
        proxyUrl,
      });
      return service.getSettings({});
    },
    async openSignInLink() {
      if (pending?.url) await options.openBrowser(pending.url);
      return null;
    },
    onEvent(listener) {
      events.on('event', listener);
      return () => events.off('event', listener);
    },
    async dispose() {
      stopWatching();
      pending?.controller.abort();
      events.removeAllListeners();
    },
  };
  return service;
}
