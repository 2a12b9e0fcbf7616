import * as Dialog from '@radix-ui/react-dialog';
import { useEffect, useState, type FormEvent } from 'react';
import { ERROR_MESSAGES } from '../../shared/errors';
import { DEFAULT_CLIENT_METADATA_URL, DEFAULT_SPLATTR_MCP_URL } from '../../shared/server';
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
  const [clientId, setClientId] = useState('');
  const [clientMetadataUrl, setClientMetadataUrl] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    api()
      .getSettings({})
      .then((settings) => {
        setServerUrl(settings.serverUrl);
        setClientId(settings.clientId ?? '');
        setClientMetadataUrl(settings.clientMetadataUrl ?? '');
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
        clientId: clientId.trim() || undefined,
        clientMetadataUrl: clientMetadataUrl.trim() || undefined,
      });
      onSaved();
    } catch (failure) {
      const info = errorInfo(failure);
      // The service's own sentence (the https rule) says more than "not understood".
      setError(
        info.code === 'invalid_input' && info.message === ERROR_MESSAGES.invalid_input
          ? 'Enter a full address, such as https://mcp.splattr.com/mcp.'
          : info.message,
      );
    } finally {
      setSaving(false);
    }
  }

  const describedBy = (help: string) => (error ? `settings-error ${help}` : help);
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
          aria-describedby={describedBy('server-url-help')}
          aria-invalid={error ? true : undefined}
        />
        <p id="server-url-help" className="small muted">
          The default is {DEFAULT_SPLATTR_MCP_URL}. New connections use this address. It must start
          with https:// (http:// only for this computer).
        </p>
      </div>
      <div className="field">
        <label htmlFor="client-id">Client ID (optional)</label>
        <input
          id="client-id"
          type="text"
          spellCheck={false}
          autoComplete="off"
          value={clientId}
          onChange={(event) => setClientId(event.target.value)}
          aria-describedby={describedBy('client-id-help')}
        />
        <p id="client-id-help" className="small muted">
          Only if your Splattr administrator registered this app for you. A client secret, if any,
          is read from SPLATTR_CLIENT_SECRET and kept in the system keychain.
        </p>
      </div>
      <div className="field">
        <label htmlFor="client-metadata-url">Client metadata document address</label>
        <input
          id="client-metadata-url"
          type="url"
          inputMode="url"
          spellCheck={false}
          autoComplete="off"
          value={clientMetadataUrl}
          onChange={(event) => setClientMetadataUrl(event.target.value)}
          aria-describedby={describedBy('client-metadata-url-help')}
        />
        <p id="client-metadata-url-help" className="small muted">
          The default is {DEFAULT_CLIENT_METADATA_URL}. Change it only if your organization hosts
          its own copy.
        </p>
      </div>
      {error ? (
        <p id="settings-error" className="field-error" role="alert">
          {error}
        </p>
      ) : null}
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
