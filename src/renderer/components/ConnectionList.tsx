import { useEffect, useRef } from 'react';
import { CLIENT_NAMES } from '../../shared/clients';
import { accountLine, isRepairable, type Connection } from '../../shared/connection';
import { timeAgo } from '../format';
import { AlertIcon, ClientGlyph, PulseIcon, RefreshIcon, TrashIcon, WrenchIcon } from './icons';
import { StatusPill } from './StatusPill';

type Actions = {
  reconnect: (c: Connection) => void;
  test: (c: Connection) => void;
  repair: (c: Connection) => void;
  remove: (c: Connection) => void;
};

type Props = {
  connections: Connection[];
  busy: ReadonlySet<string>;
  focusRequest: { id: string } | null;
  onFocused: () => void;
  actions: Actions;
};

export function ConnectionList({ connections, busy, focusRequest, onFocused, actions }: Props) {
  const rows = useRef(new Map<string, HTMLLIElement>());

  // A notification or a tray click asked to show one connection: bring it into view and focus.
  useEffect(() => {
    const row = focusRequest ? rows.current.get(focusRequest.id) : undefined;
    if (!row) return;
    row.scrollIntoView({ block: 'nearest' });
    row.focus();
    onFocused();
  }, [focusRequest, connections, onFocused]);

  return (
    <ul className="connections">
      {connections.map((connection) => (
        <li
          key={connection.id}
          className={`card connection connection--${connection.status}`}
          tabIndex={-1}
          aria-labelledby={`connection-${connection.id}`}
          ref={(node) => {
            if (node) rows.current.set(connection.id, node);
            else rows.current.delete(connection.id);
          }}
        >
          <ConnectionRow connection={connection} busy={busy} actions={actions} />
        </li>
      ))}
    </ul>
  );
}

function ConnectionRow({
  connection,
  busy,
  actions,
}: {
  connection: Connection;
  busy: ReadonlySet<string>;
  actions: Actions;
}) {
  const name = CLIENT_NAMES[connection.client];
  const signingIn = busy.has('sign-in');
  const needsSignIn = connection.status === 'needs_sign_in';
  return (
    <>
      <div className="connection-main">
        <ClientGlyph client={connection.client} />
        <div className="connection-text">
          <h3 id={`connection-${connection.id}`}>{name}</h3>
          <p className="connection-account">{accountLine(connection)}</p>
          <p className="small muted">
            {connection.lastUsedAt ? `Last used ${timeAgo(connection.lastUsedAt)}` : 'Not used yet'}
          </p>
        </div>
        <StatusPill status={connection.status} />
      </div>
      {connection.status !== 'connected' && connection.lastError ? (
        <p className="connection-error">
          <AlertIcon />
          {connection.lastError}
        </p>
      ) : null}
      <div className="connection-actions" role="group" aria-label={`Actions for ${name}`}>
        <button
          type="button"
          className={`button ${needsSignIn ? 'button--primary' : 'button--secondary'}`}
          aria-label={`Reconnect ${name}`}
          disabled={signingIn}
          onClick={() => actions.reconnect(connection)}
        >
          <RefreshIcon />
          Reconnect
        </button>
        <button
          type="button"
          className="button button--secondary"
          aria-label={`Test ${name}`}
          disabled={busy.has(`test:${connection.id}`)}
          onClick={() => actions.test(connection)}
        >
          <PulseIcon />
          {busy.has(`test:${connection.id}`) ? 'Testing…' : 'Test'}
        </button>
        {isRepairable(connection.status) ? (
          <button
            type="button"
            className="button button--primary"
            aria-label={`Repair ${name}`}
            disabled={busy.has(`repair:${connection.id}`)}
            onClick={() => actions.repair(connection)}
          >
            <WrenchIcon />
            Repair
          </button>
        ) : null}
        <span className="spacer" />
        <button
          type="button"
          className="button button--ghost-danger"
          aria-label={`Remove ${name}`}
          disabled={busy.has(`remove:${connection.id}`)}
          onClick={() => actions.remove(connection)}
        >
          <TrashIcon />
          Remove
        </button>
      </div>
    </>
  );
}
