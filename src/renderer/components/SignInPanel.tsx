import { CLIENT_NAMES } from '../../shared/clients';
import type { SignIn } from '../useCompanion';
import { CopyIcon, ExternalIcon } from './icons';

type Props = {
  signIn: SignIn;
  onCopy: () => void;
  onOpen: () => void;
  onCancel: () => void;
};

export function SignInPanel({ signIn, onCopy, onOpen, onCancel }: Props) {
  const purpose = signIn.connectionId ? 'Reconnecting' : 'Adding Splattr to';
  return (
    <section className="notice notice--progress" aria-labelledby="sign-in-title">
      <span className="spinner" aria-hidden="true" />
      <div className="notice-body">
        <h2 id="sign-in-title" className="notice-title">
          Waiting for you to sign in in your browser…
        </h2>
        <p className="muted">
          {purpose} {CLIENT_NAMES[signIn.client]}. Splattr’s sign-in page is open in your browser.
          If it isn’t, copy the link and paste it into your browser.
        </p>
        <div className="notice-actions">
          <button
            type="button"
            className="button button--secondary"
            onClick={onCopy}
            disabled={!signIn.url}
          >
            <CopyIcon />
            Copy link
          </button>
          <button
            type="button"
            className="button button--secondary"
            onClick={onOpen}
            disabled={!signIn.url}
          >
            <ExternalIcon />
            Open browser again
          </button>
          <button type="button" className="button button--ghost" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </div>
    </section>
  );
}
