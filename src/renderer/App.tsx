import * as Toast from '@radix-ui/react-toast';
import { useState } from 'react';
import { CLIENT_NAMES, type ClientInfo } from '../shared/clients';
import { accountLine, type Connection } from '../shared/connection';
import { CONFIG_ENTRY_KEY } from '../shared/server';
import { ClientCard } from './components/ClientCard';
import { ConfirmDialog } from './components/ConfirmDialog';
import { ConnectionList } from './components/ConnectionList';
import { EmptyState } from './components/EmptyState';
import { NextStepNotice } from './components/NextStepNotice';
import { SettingsDialog } from './components/SettingsDialog';
import { SignInPanel } from './components/SignInPanel';
import { Toasts } from './components/Toasts';
import { SettingsIcon, SplattrMark } from './components/icons';
import { useCompanion } from './useCompanion';

export function App() {
  const companion = useCompanion();
  const { clients, connections, byClient, signIn, nextStep, busy, actions } = companion;
  const [removing, setRemoving] = useState<Connection | null>(null);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const signingIn = busy.has('sign-in');

  const removingClient = removing ? clients?.find((c) => c.id === removing.client) : undefined;
  // Apps found here, or already connected, come first; the others stay addable under More apps.
  const isFound = (client: ClientInfo) => client.installed || byClient.has(client.id);
  const found = clients?.filter(isFound) ?? [];
  const more = clients?.filter((client) => !isFound(client)) ?? [];
  const card = (client: ClientInfo) => (
    <ClientCard
      key={client.id}
      client={client}
      connection={byClient.get(client.id)}
      disabled={signingIn}
      onAdd={() => void actions.add(client.id)}
    />
  );

  return (
    <Toast.Provider swipeDirection="right" label="Notification">
      <div className="scroller">
        <div className="app">
          <header className="topbar">
            <div className="brand">
              <SplattrMark />
              <div>
                <h1>Splattr Companion</h1>
                <p className="muted small">
                  Use your Splattr account in the AI apps you work with.
                </p>
              </div>
            </div>
            <button
              type="button"
              className="button button--ghost"
              onClick={() => setSettingsOpen(true)}
            >
              <SettingsIcon />
              Settings
            </button>
          </header>

          <main className="content">
            <p className="sr-only" role="status" aria-live="polite">
              {companion.announcement}
            </p>

            {signIn ? (
              <SignInPanel
                signIn={signIn}
                onCopy={() => void actions.copySignInLink()}
                onOpen={() => void actions.openSignInLink()}
                onCancel={() => void actions.cancelSignIn()}
              />
            ) : null}

            {nextStep ? (
              <NextStepNotice
                step={nextStep}
                client={clients?.find((c) => c.id === nextStep.client)}
                restarting={busy.has(`restart:${nextStep.client}`)}
                onRestart={() => void actions.restartClient(nextStep.client)}
                onDismiss={actions.dismissNextStep}
              />
            ) : null}

            <section aria-labelledby="apps-heading" className="section">
              <h2 id="apps-heading" className="section-title">
                Apps on this computer
              </h2>
              {clients ? (
                found.length > 0 ? (
                  <div className="client-grid">{found.map(card)}</div>
                ) : (
                  <p className="muted">
                    No AI app was found on this computer. Pick yours under More apps.
                  </p>
                )
              ) : (
                <p className="muted">Looking for apps…</p>
              )}
            </section>

            {more.length > 0 ? (
              <section aria-labelledby="more-apps-heading" className="section">
                <h2 id="more-apps-heading" className="section-title">
                  More apps
                </h2>
                <p className="muted small">
                  Not found on this computer. Add Splattr now and it is there when you install one.
                </p>
                <div className="client-grid">{more.map(card)}</div>
              </section>
            ) : null}

            <section aria-labelledby="connections-heading" className="section">
              <h2 id="connections-heading" className="section-title">
                Connections
              </h2>
              {connections === null ? (
                <p className="muted">Loading connections…</p>
              ) : connections.length === 0 ? (
                <EmptyState />
              ) : (
                <ConnectionList
                  connections={connections}
                  busy={busy}
                  focusRequest={companion.focusRequest}
                  onFocused={actions.focusHandled}
                  actions={{
                    reconnect: (c) => void actions.reconnect(c),
                    test: (c) => void actions.test(c),
                    repair: (c) => void actions.repair(c),
                    remove: setRemoving,
                  }}
                />
              )}
            </section>
          </main>
        </div>
      </div>

      <ConfirmDialog
        open={removing !== null}
        title={removing ? `Remove Splattr from ${CLIENT_NAMES[removing.client]}?` : ''}
        confirmLabel="Remove"
        danger
        onCancel={() => setRemoving(null)}
        onConfirm={() => {
          if (removing) void actions.remove(removing);
          setRemoving(null);
        }}
      >
        {removing ? (
          <>
            <p>This will:</p>
            <ul className="dialog-list">
              <li>
                remove the “{CONFIG_ENTRY_KEY}” entry from {CLIENT_NAMES[removing.client]}’s config
                {removingClient ? (
                  <>
                    {' '}
                    (<span className="mono">{removingClient.configPath}</span>)
                  </>
                ) : null}
                ; its other servers stay as they are;
              </li>
              <li>delete this connection’s tokens from the system keychain;</li>
              <li>revoke Splattr Companion’s access at Splattr for {accountLine(removing)}.</li>
            </ul>
          </>
        ) : null}
      </ConfirmDialog>

      <ConfirmDialog
        open={companion.conflict !== null}
        title={
          companion.conflict
            ? `${CLIENT_NAMES[companion.conflict]} already has a server named “${CONFIG_ENTRY_KEY}”`
            : ''
        }
        confirmLabel="Replace it"
        danger
        onCancel={actions.dismissConflict}
        onConfirm={() => companion.conflict && void actions.add(companion.conflict, true)}
      >
        <p>
          Splattr Companion did not add it. Replace it with your Splattr connection? The rest of the
          config stays as it is, and a backup of the file is kept.
        </p>
      </ConfirmDialog>

      <ConfirmDialog
        open={companion.deepLinkClient !== null}
        title={
          companion.deepLinkClient
            ? `Add Splattr to ${CLIENT_NAMES[companion.deepLinkClient]}?`
            : ''
        }
        confirmLabel={
          companion.deepLinkClient ? `Add to ${CLIENT_NAMES[companion.deepLinkClient]}` : 'Add'
        }
        onCancel={actions.dismissDeepLink}
        onConfirm={() => {
          const client = companion.deepLinkClient;
          actions.dismissDeepLink();
          if (client) void actions.add(client);
        }}
      >
        <p>
          A link asked to connect your Splattr account to{' '}
          {companion.deepLinkClient ? CLIENT_NAMES[companion.deepLinkClient] : 'an app'}. Your
          browser will open Splattr’s sign-in page so you can approve it.
        </p>
      </ConfirmDialog>

      <SettingsDialog
        open={settingsOpen}
        onOpenChange={setSettingsOpen}
        onSaved={() => actions.toastSaved()}
      />

      <Toasts toasts={companion.toasts} onDismiss={actions.dismissToast} />
    </Toast.Provider>
  );
}
