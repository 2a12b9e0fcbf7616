import * as Dialog from '@radix-ui/react-dialog';
import { useEffect, useState, type FormEvent } from 'react';
import { parseProxySetting } from '../../shared/proxy';
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
  const [proxyUrl, setProxyUrl] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [proxyError, setProxyError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    api()
      .getSettings({})
      .then((settings) => {
        setServerUrl(settings.serverUrl);
        setProxyUrl(settings.proxyUrl ?? '');
      })
      .catch((failure: unknown) => setError(errorInfo(failure).message));
  }, []);

  async function save(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setProxyError(null);
    // Checked here so that its sentence can stand under its own field.
    const proxy = proxyUrl.trim();
    try {
      if (proxy) parseProxySetting(proxy);
    } catch (failure) {
      setProxyError(errorInfo(failure).message);
      return;
    }
    setSaving(true);
    try {
      await api().setSettings({ serverUrl: serverUrl.trim(), proxyUrl: proxy || undefined });
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
      <div className="field">
        <label htmlFor="proxy-url">Proxy server (optional)</label>
        <input
          id="proxy-url"
          type="url"
          inputMode="url"
          spellCheck={false}
          autoComplete="off"
          placeholder="http://proxy.example.com:8080"
          value={proxyUrl}
          onChange={(event) => setProxyUrl(event.target.value)}
          aria-describedby={proxyError ? 'proxy-url-error proxy-url-help' : 'proxy-url-help'}
          aria-invalid={proxyError ? true : undefined}
        />
        <p id="proxy-url-help" className="small muted">
          Empty: HTTPS_PROXY and HTTP_PROXY are used when set; NO_PROXY applies either way. AI apps
          use a change the next time they start Splattr.
        </p>
        {proxyError ? (
          <p id="proxy-url-error" className="field-error" role="alert">
            {proxyError}
          </p>
        ) : null}
      </div>
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
