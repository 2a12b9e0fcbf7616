import * as Dialog from '@radix-ui/react-dialog';
import { useEffect, useState, type FormEvent } from 'react';
import { DEFAULT_SPLATTR_MCP_URL } from '../../shared/server';
import { api } from '../api';
import { errorInfo } from '../errors';
import { CloseIcon } from './icons';
import { useReturnFocus } from './returnFocus';

type Props = { open: boolean; onOpenChange: (open: boolean) => void; onSaved: () => void };

export function SettingsDialog({ open, onOpenChange, onSaved }: Props) {
  const focus = useReturnFocus();
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className="overlay" />
        <Dialog.Content className="dialog" {...focus}>
          <Dialog.Title className="dialog-title">Settings</Dialog.Title>
          <Dialog.Description className="dialog-description muted">
            Advanced: change these only if your organization runs its own Splattr.
          </Dialog.Description>
          <SettingsForm
            onSaved={() => {
              onSaved();
              onOpenChange(false);
            }}
          />
          <Dialog.Close className="icon-button dialog-close" aria-label="Close">
            <CloseIcon />
          </Dialog.Close>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

/** Mounted each time the dialog opens, so it always starts from the settings in force. */
function SettingsForm({ onSaved }: { onSaved: () => void }) {
  const [serverUrl, setServerUrl] = useState('');
  // Undefined where the app cannot open at login (no tray app behind this page).
  const [launchAtLogin, setLaunchAtLogin] = useState<boolean | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    api()
      .getSettings({})
      .then((settings) => {
        setServerUrl(settings.serverUrl);
        setLaunchAtLogin(settings.launchAtLogin);
      })
      .catch((failure: unknown) => setError(errorInfo(failure).message));
  }, []);

  async function save(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    setError(null);
    try {
      await api().setSettings({
        serverUrl: serverUrl.trim(),
        ...(launchAtLogin === undefined ? {} : { launchAtLogin }),
      });
      onSaved();
    } catch (failure) {
      const info = errorInfo(failure);
      setError(
        info.code === 'invalid_input'
          ? 'Enter a full address, such as https://mcp.splattr.com/mcp.'
          : info.message,
      );
    } finally {
      setSaving(false);
    }
  }

  return (
    <form onSubmit={save} noValidate>
      <div className="field">
        <label htmlFor="server-url">Splattr server address</label>
        <input
          id="server-url"
          type="url"
          inputMode="url"
          spellCheck={false}
          autoComplete="off"
          value={serverUrl}
          onChange={(event) => setServerUrl(event.target.value)}
          aria-describedby={error ? 'server-url-error server-url-help' : 'server-url-help'}
          aria-invalid={error ? true : undefined}
        />
        <p id="server-url-help" className="small muted">
          The default is {DEFAULT_SPLATTR_MCP_URL}. New connections use this address.
        </p>
        {error ? (
          <p id="server-url-error" className="field-error" role="alert">
            {error}
          </p>
        ) : null}
      </div>
      {launchAtLogin === undefined ? null : (
        <div className="field field--checkbox">
          <input
            id="launch-at-login"
            type="checkbox"
            checked={launchAtLogin}
            onChange={(event) => setLaunchAtLogin(event.target.checked)}
            aria-describedby="launch-at-login-help"
          />
          <div>
            <label htmlFor="launch-at-login">Open Splattr Companion when you log in</label>
            <p id="launch-at-login-help" className="small muted">
              It stays in the tray and tells you when a connection needs you.
            </p>
          </div>
        </div>
      )}
      <div className="dialog-actions">
        <Dialog.Close className="button button--secondary" type="button">
          Cancel
        </Dialog.Close>
        <button type="submit" className="button button--primary" disabled={saving}>
          Save
        </button>
      </div>
    </form>
  );
}
