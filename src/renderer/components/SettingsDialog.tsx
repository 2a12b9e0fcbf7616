import * as Dialog from '@radix-ui/react-dialog';
import { useEffect, useState, type FormEvent } from 'react';
import { ERROR_MESSAGES } from '../../shared/errors';
import { parseProxySetting } from '../../shared/proxy';
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
  const [proxyUrl, setProxyUrl] = useState('');
  const [proxyError, setProxyError] = useState<string | null>(null);
  // Undefined where the app cannot open at login (no tray app behind this page).
  const [launchAtLogin, setLaunchAtLogin] = useState<boolean | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    api()
      .getSettings({})
      .then((settings) => {
        setServerUrl(settings.serverUrl);
        setClientId(settings.clientId ?? '');
        setClientMetadataUrl(settings.clientMetadataUrl ?? '');
        setProxyUrl(settings.proxyUrl ?? '');
        setLaunchAtLogin(settings.launchAtLogin);
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
      await api().setSettings({
        serverUrl: serverUrl.trim(),
        clientId: clientId.trim() || undefined,
        clientMetadataUrl: clientMetadataUrl.trim() || undefined,
        proxyUrl: proxy || undefined,
        ...(launchAtLogin === undefined ? {} : { launchAtLogin }),
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

  return (
    <form onSubmit={save} noValidate>
      <TextField
        id="server-url"
        label="Splattr server address"
        url
        value={serverUrl}
        onChange={setServerUrl}
        error={error}
        help={`The default is ${DEFAULT_SPLATTR_MCP_URL}. New connections use this address. It must start with https:// (http:// only for this computer).`}
      />
      <TextField
        id="client-id"
        label="Client ID (optional)"
        value={clientId}
        onChange={setClientId}
        error={error}
        help="Only if your Splattr administrator registered this app for you. A client secret, if any, is read from SPLATTR_CLIENT_SECRET and kept in the system keychain."
      />
      <TextField
        id="client-metadata-url"
        label="Client metadata document address"
        url
        value={clientMetadataUrl}
        onChange={setClientMetadataUrl}
        error={error}
        help={`The default is ${DEFAULT_CLIENT_METADATA_URL}. Change it only if your organization hosts its own copy.`}
      />
      <TextField
        id="proxy-url"
        label="Proxy server (optional)"
        url
        placeholder="http://proxy.example.com:8080"
        value={proxyUrl}
        onChange={setProxyUrl}
        error={proxyError}
        ownError
        help="Empty: HTTPS_PROXY and HTTP_PROXY are used when set; NO_PROXY applies either way. AI apps use a change the next time they start Splattr."
      />
      {error ? (
        <p id="settings-error" className="field-error" role="alert">
          {error}
        </p>
      ) : null}
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

type TextFieldProps = {
  id: string;
  label: string;
  /** An address field: the URL keyboard on touch devices. */
  url?: boolean;
  value: string;
  onChange: (value: string) => void;
  help: string;
  placeholder?: string;
  /** The form's error, which every field points to while it is shown. */
  error: string | null;
  /** The error is this field's own: shown under it (as `<id>-error`) rather than the form's. */
  ownError?: boolean;
};

function TextField(props: TextFieldProps) {
  const { id, label, url, value, onChange, help, placeholder, error, ownError } = props;
  const errorId = ownError ? `${id}-error` : 'settings-error';
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type={url ? 'url' : 'text'}
        inputMode={url ? 'url' : undefined}
        spellCheck={false}
        autoComplete="off"
        placeholder={placeholder}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-describedby={error ? `${errorId} ${id}-help` : `${id}-help`}
        aria-invalid={error ? true : undefined}
      />
      <p id={`${id}-help`} className="small muted">
        {help}
      </p>
      {error && ownError ? (
        <p id={errorId} className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
