import type { AddResult, CompanionApi, CompanionEvent, Settings } from '../../../src/shared/api';
import { CLIENT_NAMES, type ClientId, type ClientInfo } from '../../../src/shared/clients';
import type { Account, Connection } from '../../../src/shared/connection';
import { CompanionError } from '../../../src/shared/errors';

type Pending = {
  client: ClientId;
  reconnectId?: string;
  resolve: (account: Account) => void;
  reject: (error: CompanionError) => void;
};

export const SIGN_IN_URL =
  'https://auth.splattr.test/authorize?client_id=companion-test&response_type=code&state=s1';

function app(id: ClientId, configPath: string, overrides: Partial<ClientInfo> = {}): ClientInfo {
  return {
    id,
    name: CLIENT_NAMES[id],
    installed: true,
    configPath,
    running: false,
    needsRestartAfterChange: false,
    canRestart: false,
    ...overrides,
  };
}

/**
 * A small, stateful stand-in for CompanionService so the UI can be driven through every state:
 * sign-ins wait until the test completes or cancels them, and failures can be queued per call.
 */
export function createFakeCompanion() {
  const listeners = new Set<(event: CompanionEvent) => void>();
  const emit = (event: CompanionEvent) => listeners.forEach((listener) => listener(event));
  const calls: { method: keyof CompanionApi; input: unknown }[] = [];
  const failures = new Map<keyof CompanionApi, CompanionError>();
  let connections: Connection[] = [];
  let settings: Settings = { serverUrl: 'https://mcp.splattr.com/mcp' };
  let pending: Pending | undefined;
  let nextId = 1;
  // Five apps found on this computer, the others not (they go under More apps).
  const clients: ClientInfo[] = [
    app('claude-desktop', '/home/ada/.config/Claude/claude_desktop_config.json', {
      running: true,
      needsRestartAfterChange: true,
      canRestart: true,
    }),
    app('cursor', '/home/ada/.cursor/mcp.json'),
    app('claude-code', '/home/ada/.claude.json', { needsRestartAfterChange: true }),
    app('vscode', '/home/ada/.config/Code/User/mcp.json'),
    app('codex', '/home/ada/.codex/config.toml', { needsRestartAfterChange: true }),
    app('vscode-insiders', '/home/ada/.config/Code - Insiders/User/mcp.json', { installed: false }),
    app('windsurf', '/home/ada/.codeium/windsurf/mcp_config.json', { installed: false }),
    app('gemini-cli', '/home/ada/.gemini/settings.json', {
      installed: false,
      needsRestartAfterChange: true,
    }),
    app('zed', '/home/ada/.config/zed/settings.json', { installed: false }),
    app('lm-studio', '/home/ada/.lmstudio/mcp.json', { installed: false }),
  ];

  function record<M extends keyof CompanionApi>(method: M, input: unknown): void {
    calls.push({ method, input });
    const failure = failures.get(method);
    if (failure) {
      failures.delete(method);
      throw failure;
    }
  }

  function changed(): void {
    emit({ type: 'connections-changed', connections: structuredClone(connections) });
  }

  function find(id: string): Connection {
    const connection = connections.find((c) => c.id === id);
    if (!connection) throw new CompanionError('connection_not_found');
    return connection;
  }

  function waitForSignIn(client: ClientId, reconnectId?: string): Promise<Account> {
    return new Promise((resolve, reject) => {
      pending = { client, reconnectId, resolve, reject };
      emit({ type: 'sign-in-pending', client, url: SIGN_IN_URL });
    });
  }

  const impl: CompanionApi = {
    async listClients(input) {
      record('listClients', input);
      return clients;
    },
    async listConnections(input) {
      record('listConnections', input);
      return structuredClone(connections);
    },
    async add(input): Promise<AddResult> {
      record('add', input);
      const account = await waitForSignIn(input.client);
      const connection: Connection = {
        id: `conn-${nextId++}`,
        client: input.client,
        serverUrl: settings.serverUrl,
        status: 'connected',
        account,
        createdAt: new Date().toISOString(),
      };
      connections = [...connections, connection];
      changed();
      const info = clients.find((c) => c.id === input.client);
      return {
        connection,
        nextStep: info?.needsRestartAfterChange ? 'restart_client' : 'enable_in_client',
      };
    },
    async cancelSignIn(input) {
      record('cancelSignIn', input);
      pending?.reject(new CompanionError('sign_in_aborted'));
      pending = undefined;
      return null;
    },
    async reconnect(input) {
      record('reconnect', input);
      const connection = find(input.id);
      const account = await waitForSignIn(connection.client, connection.id);
      Object.assign(connection, { status: 'connected', account, lastError: undefined });
      changed();
      return connection;
    },
    async test(input) {
      record('test', input);
      find(input.id).lastUsedAt = new Date().toISOString();
      changed();
      return { ok: true, toolCount: 12, milliseconds: 84 };
    },
    async repair(input) {
      record('repair', input);
      const connection = find(input.id);
      Object.assign(connection, { status: 'connected', lastError: undefined });
      changed();
      return connection;
    },
    async remove(input) {
      record('remove', input);
      find(input.id);
      connections = connections.filter((c) => c.id !== input.id);
      changed();
      return null;
    },
    async restartClient(input) {
      record('restartClient', input);
      return null;
    },
    async getSettings(input) {
      record('getSettings', input);
      return settings;
    },
    async setSettings(input) {
      record('setSettings', input);
      // A setting the change does not name stays, as in the service.
      settings = { ...settings, ...input };
      return settings;
    },
    async openSignInLink(input) {
      record('openSignInLink', input);
      return null;
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };

  return {
    impl,
    emit,
    calls,
    /** The next call to `method` fails with this error. */
    failNext(method: keyof CompanionApi, error: CompanionError) {
      failures.set(method, error);
    },
    /** Finishes the browser sign-in the app is waiting for, as the person would. */
    completeSignIn(account: Account) {
      if (!pending) throw new Error('No sign-in is pending.');
      const { client, resolve } = pending;
      pending = undefined;
      emit({ type: 'sign-in-finished', client });
      resolve(account);
    },
    get signInPending() {
      return pending !== undefined;
    },
    /** Changes a connection behind the app's back, as a bridge or a config edit would. */
    update(id: string, change: Partial<Connection>): Connection {
      const connection = find(id);
      Object.assign(connection, change);
      return structuredClone(connection);
    },
    seed(list: Connection[]) {
      connections = structuredClone(list);
    },
    seedSettings(value: Settings) {
      settings = structuredClone(value);
    },
  };
}

export type FakeCompanion = ReturnType<typeof createFakeCompanion>;
