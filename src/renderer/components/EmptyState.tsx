import { LinkIcon } from './icons';

export function EmptyState() {
  return (
    <div className="empty">
      <span className="empty-icon" aria-hidden="true">
        <LinkIcon />
      </span>
      <h3>No connections yet</h3>
      <p className="muted">
        Choose an app above and click <strong>Add</strong>. Your browser opens Splattr’s sign-in
        page; once you approve, that app can use your Splattr account.
      </p>
    </div>
  );
}
