import { STATUS_LABELS, type ConnectionStatus } from '../../shared/connection';

export function StatusPill({ status }: { status: ConnectionStatus }) {
  return (
    <span className={`pill pill--${status}`}>
      <span className="pill-dot" aria-hidden="true" />
      <span className="sr-only">Status: </span>
      {STATUS_LABELS[status]}
    </span>
  );
}
