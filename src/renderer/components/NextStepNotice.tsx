import { CLIENT_NAMES, NEXT_STEPS, type ClientInfo } from '../../shared/clients';
import type { NextStep } from '../useCompanion';
import { CloseIcon, InfoIcon, RefreshIcon } from './icons';

type Props = {
  step: NextStep;
  client: ClientInfo | undefined;
  restarting: boolean;
  onRestart: () => void;
  onDismiss: () => void;
};

/** What the person still has to do in the client for it to load Splattr. */
export function NextStepNotice({ step, client, restarting, onRestart, onDismiss }: Props) {
  const name = CLIENT_NAMES[step.client];
  const { title, detail } = NEXT_STEPS[step.client];
  // Only an app this one can restart gets the button (a terminal CLI is restarted by the person).
  const restart = step.kind === 'restart_client' && client?.canRestart === true;
  return (
    <section className="notice notice--info" aria-labelledby="next-step-title">
      <span className="notice-icon" aria-hidden="true">
        <InfoIcon />
      </span>
      <div className="notice-body">
        <h2 id="next-step-title" className="notice-title">
          {title}
        </h2>
        <p className="muted">
          {detail}
          {restart && !client?.running ? ` Open ${name} and Splattr’s tools will be there.` : ''}
        </p>
        {restart && client?.running ? (
          <div className="notice-actions">
            <button
              type="button"
              className="button button--primary"
              onClick={onRestart}
              disabled={restarting}
            >
              <RefreshIcon />
              Restart {name}
            </button>
          </div>
        ) : null}
      </div>
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={onDismiss}>
        <CloseIcon />
      </button>
    </section>
  );
}
