import * as z from 'zod/mini';

/**
 * Every failure a person can see, with the sentence the UI and the CLI show. The sentence says
 * what happened and what to do next; it never contains a secret.
 */
export const ERROR_MESSAGES = {
  sign_in_cancelled: 'Sign-in was cancelled in the browser. Click Add again to retry.',
  sign_in_timed_out: 'Sign-in took too long and was stopped. Click Add again to retry.',
  sign_in_aborted: 'Sign-in was cancelled.',
  sign_in_state_mismatch:
    'The sign-in answer did not match this request, so it was ignored. Please sign in again.',
  sign_in_failed: 'Sign-in did not complete. Please try again.',
  server_unreachable: 'Splattr could not be reached. Check your internet connection and try again.',
  proxy_unreachable:
    'The proxy server could not be reached. Check the proxy address in Settings (or HTTPS_PROXY / HTTP_PROXY) and your network, then try again.',
  proxy_refused:
    'The proxy server refused to connect to Splattr. Ask your IT department to allow Splattr’s address, then try again.',
  certificate_untrusted:
    'Splattr’s secure connection is signed by a certificate this computer does not trust, so it was stopped. If your organization inspects secure traffic, install its certificate in the system’s certificate store (or name its file in NODE_EXTRA_CA_CERTS), then try again.',
  server_error: 'Splattr had a problem answering. Please try again in a few minutes.',
  server_unsupported:
    'This Splattr server does not support secure sign-in for desktop apps (PKCE S256). Check the server address in Settings.',
  needs_sign_in: 'Splattr needs you to sign in again: open Splattr Companion and click Reconnect.',
  keychain_unavailable:
    'The system keychain is locked or unavailable. Unlock it (or install a keyring service) and try again.',
  config_invalid:
    'The client configuration file could not be read. Fix the file or restore its backup, then try again.',
  config_unwritable:
    'The client configuration file could not be written. Check that it is not read-only, then try again.',
  config_entry_conflict:
    'The client already has a server named "splattr" that Splattr Companion did not add. Choose Replace to overwrite it.',
  app_location_temporary:
    'Splattr Companion is running from a temporary location that AI apps could not start it from later. Move it to a folder you keep, open it from there, and try again.',
  registry_invalid:
    "Splattr Companion's list of connections is damaged and could not be read. Move it aside and add your connections again.",
  client_not_found: 'That client is not known to Splattr Companion.',
  connection_not_found: 'That connection no longer exists. Refresh the list.',
  already_connected: 'Splattr is already added to this client.',
  busy: 'Another change to this connection is in progress. Wait for it to finish.',
  invalid_input: 'The request was not understood.',
  internal: 'Something went wrong in Splattr Companion. Please try again.',
} as const;

export type ErrorCode = keyof typeof ERROR_MESSAGES;
export const ErrorCodeSchema = z.enum(Object.keys(ERROR_MESSAGES) as [ErrorCode, ...ErrorCode[]]);

export const ErrorInfoSchema = z.object({ code: ErrorCodeSchema, message: z.string() });
export type ErrorInfo = z.infer<typeof ErrorInfoSchema>;

export class CompanionError extends Error {
  override readonly name = 'CompanionError';
  constructor(
    readonly code: ErrorCode,
    /** Overrides the default sentence when the situation allows a more precise one. */
    message: string = ERROR_MESSAGES[code],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  toInfo(): ErrorInfo {
    return { code: this.code, message: this.message };
  }
}

/** Turns anything thrown into something safe to show: unknown errors never leak their text. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof CompanionError) return error.toInfo();
  return { code: 'internal', message: ERROR_MESSAGES.internal };
}
