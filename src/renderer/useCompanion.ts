import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AddResult, CompanionEvent } from '../shared/api';
import { CLIENT_NAMES, type ClientId, type ClientInfo } from '../shared/clients';
import {
  ACCOUNT_NOT_SHARED_SENTENCE,
  accountLine,
  accountShared,
  type Connection,
} from '../shared/connection';
import { api } from './api';
import { errorInfo } from './errors';

export type Toast = {
  id: number;
  tone: 'success' | 'error';
  title: string;
  description?: string;
};

/** A browser sign-in the app is waiting for: adding a client, or reconnecting a connection. */
export type SignIn = { client: ClientId; connectionId?: string; url?: string };

export type NextStep = { client: ClientId; kind: Exclude<AddResult['nextStep'], 'none'> };

/** Who signed in, or that the server did not say. */
function signedInLine(connection: Connection): string {
  return accountShared(connection.account)
    ? `Signed in as ${accountLine(connection)}.`
    : ACCOUNT_NOT_SHARED_SENTENCE;
}

function load() {
  return Promise.all([api().listClients({}), api().listConnections({})]);
}

/** The page's state and every action it can take, over window.splattr and its events. */
export function useCompanion() {
  const [clients, setClients] = useState<ClientInfo[] | null>(null);
  const [connections, setConnections] = useState<Connection[] | null>(null);
  const [signIn, setSignIn] = useState<SignIn | null>(null);
  const [nextStep, setNextStep] = useState<NextStep | null>(null);
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());
  const [toasts, setToasts] = useState<Toast[]>([]);
  const [announcement, setAnnouncement] = useState('');
  const [conflict, setConflict] = useState<ClientId | null>(null);
  const [deepLinkClient, setDeepLinkClient] = useState<ClientId | null>(null);
  const [focusRequest, setFocusRequest] = useState<{ id: string } | null>(null);
  const nextToastId = useRef(1);

  const toast = useCallback((tone: Toast['tone'], title: string, description?: string) => {
    const id = nextToastId.current++;
    setToasts((all) => [...all, { id, tone, title, description }]);
    if (tone === 'success') setAnnouncement(title);
  }, []);
  const dismissToast = useCallback(
    (id: number) => setToasts((all) => all.filter((t) => t.id !== id)),
    [],
  );
  /** Says what failed (the title) and why, in the service's own sentence (the description). */
  const showError = useCallback(
    (title: string, error: unknown) => toast('error', title, errorInfo(error).message),
    [toast],
  );
  const loadFailed = useCallback(
    (error: unknown) => showError('Couldn’t load your apps and connections', error),
    [showError],
  );

  const apply = useCallback(([clientList, connectionList]: Awaited<ReturnType<typeof load>>) => {
    setClients(clientList);
    setConnections(connectionList);
  }, []);
  const refresh = useCallback(() => load().then(apply, loadFailed), [apply, loadFailed]);

  useEffect(() => {
    load().then(apply, loadFailed);
    return api().onEvent((event: CompanionEvent) => {
      switch (event.type) {
        case 'connections-changed':
          setConnections(event.connections);
          break;
        case 'sign-in-pending':
          setSignIn((current) => ({ ...current, client: event.client, url: event.url }));
          setAnnouncement('Waiting for you to sign in in your browser…');
          break;
        case 'needs-sign-in':
          setConnections(
            (all) => all?.map((c) => (c.id === event.connection.id ? event.connection : c)) ?? all,
          );
          break;
        case 'focus-connection':
          setFocusRequest({ id: event.id });
          break;
        case 'deep-link-add':
          setDeepLinkClient(event.client);
          break;
        case 'entries-healed': {
          const names = event.clients.map((client) => CLIENT_NAMES[client]).join(', ');
          toast('success', 'Connections updated', `${names} will start Splattr from this copy.`);
          const [restart] = event.restart;
          if (restart) setNextStep({ client: restart, kind: 'restart_client' });
          break;
        }
        case 'sign-in-finished':
          break;
      }
    });
  }, [apply, loadFailed, toast]);

  /** Runs one action, marking it busy so its button cannot be pressed twice. */
  const run = useCallback(
    async <T>(key: string, action: () => Promise<T>): Promise<T | undefined> => {
      setBusy((keys) => new Set(keys).add(key));
      try {
        return await action();
      } finally {
        setBusy((keys) => {
          const rest = new Set(keys);
          rest.delete(key);
          return rest;
        });
      }
    },
    [],
  );

  const signInFlow = useCallback(
    async <T>(
      pending: SignIn,
      failTitle: string,
      action: () => Promise<T>,
    ): Promise<T | undefined> => {
      setSignIn(pending);
      setNextStep(null);
      setAnnouncement('Opening Splattr’s sign-in page in your browser…');
      try {
        return await run('sign-in', action);
      } catch (error) {
        const info = errorInfo(error);
        if (info.code === 'config_entry_conflict') setConflict(pending.client);
        // Cancelling was the person's own choice: no need to tell them it happened.
        else if (info.code !== 'sign_in_aborted') showError(failTitle, error);
        else setAnnouncement('Sign-in cancelled.');
        return undefined;
      } finally {
        setSignIn(null);
      }
    },
    [run, showError],
  );

  const add = useCallback(
    async (client: ClientId, replace = false) => {
      setConflict(null);
      const result = await signInFlow(
        { client },
        `Couldn’t add Splattr to ${CLIENT_NAMES[client]}`,
        () => api().add({ client, replace }),
      );
      if (!result) return;
      toast(
        'success',
        `Splattr is added to ${CLIENT_NAMES[client]}`,
        signedInLine(result.connection),
      );
      if (result.nextStep !== 'none') setNextStep({ client, kind: result.nextStep });
      await refresh();
    },
    [signInFlow, toast, refresh],
  );

  const reconnect = useCallback(
    async (connection: Connection) => {
      const result = await signInFlow(
        { client: connection.client, connectionId: connection.id },
        `Couldn’t reconnect ${CLIENT_NAMES[connection.client]}`,
        () => api().reconnect({ id: connection.id }),
      );
      if (!result) return;
      toast(
        'success',
        `${CLIENT_NAMES[connection.client]} is connected again`,
        signedInLine(result),
      );
      await refresh();
    },
    [signInFlow, toast, refresh],
  );

  const guarded = useCallback(
    async <T>(key: string, failTitle: string, action: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await run(key, action);
      } catch (error) {
        showError(failTitle, error);
        return undefined;
      }
    },
    [run, showError],
  );

  const test = useCallback(
    async (connection: Connection) => {
      const name = CLIENT_NAMES[connection.client];
      const result = await guarded(`test:${connection.id}`, `Couldn’t test ${name}`, () =>
        api().test({ id: connection.id }),
      );
      if (!result) return;
      if (result.ok) {
        const tools = `${result.toolCount} tool${result.toolCount === 1 ? '' : 's'}`;
        toast(
          'success',
          `${name}’s connection works`,
          `Splattr answered with ${tools} in ${Math.round(result.milliseconds)} ms.`,
        );
      } else {
        toast('error', `${name}’s connection does not work`, result.error);
      }
    },
    [guarded, toast],
  );

  const repair = useCallback(
    async (connection: Connection) => {
      const name = CLIENT_NAMES[connection.client];
      const result = await guarded(`repair:${connection.id}`, `Couldn’t repair ${name}`, () =>
        api().repair({ id: connection.id }),
      );
      if (!result) return;
      toast('success', `Splattr is back in ${name}’s config`);
      // The client reads the repaired entry only when it starts again.
      const client = clients?.find((c) => c.id === connection.client);
      if (client?.needsRestartAfterChange) {
        setNextStep({ client: client.id, kind: 'restart_client' });
      }
      await refresh();
    },
    [guarded, toast, refresh, clients],
  );

  const remove = useCallback(
    async (connection: Connection) => {
      const name = CLIENT_NAMES[connection.client];
      const done = await guarded(`remove:${connection.id}`, `Couldn’t remove ${name}`, async () => {
        await api().remove({ id: connection.id });
        return true;
      });
      if (!done) return;
      setNextStep((step) => (step?.client === connection.client ? null : step));
      toast('success', `Splattr is removed from ${name}`);
      await refresh();
    },
    [guarded, toast, refresh],
  );

  const restartClient = useCallback(
    async (client: ClientId) => {
      const name = CLIENT_NAMES[client];
      const done = await guarded(`restart:${client}`, `Couldn’t restart ${name}`, async () => {
        await api().restartClient({ client });
        return true;
      });
      if (!done) return;
      setNextStep(null);
      toast('success', `${name} is restarting`, 'Splattr will be in its tools.');
    },
    [guarded, toast],
  );

  const cancelSignIn = useCallback(
    () => guarded('cancel', 'Couldn’t cancel the sign-in', () => api().cancelSignIn({})),
    [guarded],
  );
  const openSignInLink = useCallback(
    () => guarded('open-link', 'Couldn’t open your browser', () => api().openSignInLink({})),
    [guarded],
  );

  const copySignInLink = useCallback(async () => {
    if (!signIn?.url) return;
    try {
      await navigator.clipboard.writeText(signIn.url);
      toast('success', 'Sign-in link copied', 'Paste it into your browser’s address bar.');
    } catch {
      toast('error', 'The link could not be copied', 'Use “Open browser again” instead.');
    }
  }, [signIn, toast]);

  const focusHandled = useCallback(() => setFocusRequest(null), []);

  const byClient = useMemo(() => {
    const map = new Map<ClientId, Connection>();
    for (const connection of connections ?? []) map.set(connection.client, connection);
    return map;
  }, [connections]);

  return {
    clients,
    connections,
    byClient,
    signIn,
    nextStep,
    busy,
    toasts,
    announcement,
    conflict,
    deepLinkClient,
    focusRequest,
    actions: {
      add,
      reconnect,
      test,
      repair,
      remove,
      restartClient,
      cancelSignIn,
      openSignInLink,
      copySignInLink,
      dismissToast,
      toastSaved: () => toast('success', 'Settings saved'),
      dismissNextStep: () => setNextStep(null),
      dismissConflict: () => setConflict(null),
      dismissDeepLink: () => setDeepLinkClient(null),
      focusHandled,
    },
  };
}

export type Companion = ReturnType<typeof useCompanion>;
