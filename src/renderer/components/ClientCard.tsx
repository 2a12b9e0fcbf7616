import type { ClientInfo } from '../../shared/clients';
import type { Connection } from '../../shared/connection';
import { ClientGlyph, PlusIcon } from './icons';
import { StatusPill } from './StatusPill';

type Props = {
  client: ClientInfo;
  connection: Connection | undefined;
  disabled: boolean;
  onAdd: () => void;
};

export function ClientCard({ client, connection, disabled, onAdd }: Props) {
  const headingId = `client-${client.id}`;
  return (
    <article className="card client-card" aria-labelledby={headingId}>
      <div className="client-card-head">
        <ClientGlyph client={client.id} />
        <div className="client-card-title">
          <h3 id={headingId}>{client.name}</h3>
          <p className="muted small">
            {client.installed ? 'Installed on this computer' : 'Not found on this computer'}
          </p>
        </div>
        {connection ? <StatusPill status={connection.status} /> : null}
      </div>
      <dl className="client-card-config">
        <dt>Config file</dt>
        <dd className="mono" title={client.configPath}>
          {client.configPath}
        </dd>
      </dl>
      <div className="client-card-foot">
        {connection ? (
          <p className="small muted">Splattr is added. Manage it under Connections.</p>
        ) : (
          <button
            type="button"
            className="button button--primary"
            onClick={onAdd}
            disabled={disabled}
          >
            <PlusIcon />
            Add to {client.name}
          </button>
        )}
      </div>
    </article>
  );
}
