import * as Dialog from '@radix-ui/react-dialog';
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
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
      <AddressField
        id="server-url"
        label="Splattr server address"
        value={serverUrl}
        onChange={setServerUrl}
        error={error}
        help={<>The default is {DEFAULT_SPLATTR_MCP_URL}. New connections use this address.</>}
      />
      <AddressField
        id="proxy-url"
        label="Proxy server (optional)"
        placeholder="http://proxy.example.com:8080"
        value={proxyUrl}
        onChange={setProxyUrl}
        error={proxyError}
        help="Empty: HTTPS_PROXY and HTTP_PROXY are used when set; NO_PROXY applies either way. AI apps use a change the next time they start Splattr."
      />
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

type AddressFieldProps = {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error: string | null;
  help: ReactNode;
  placeholder?: string;
};

/** A URL field with its help line and, when there is one, its error read out as an alert. */
function AddressField({ id, label, value, onChange, error, help, placeholder }: AddressFieldProps) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="url"
        inputMode="url"
        spellCheck={false}
        autoComplete="off"
        placeholder={placeholder}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-describedby={error ? `${id}-error ${id}-help` : `${id}-help`}
        aria-invalid={error ? true : undefined}
      />
      <p id={`${id}-help`} className="small muted">
        {help}
      </p>
      {error ? (
        <p id={`${id}-error`} className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
