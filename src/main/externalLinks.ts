/**
 * Which URLs may leave the app for the system browser: https links, and the sign-in page of the
 * configured Splattr server, which may be plain http only when it is that very server (the local
 * sandbox in development). Everything else (file:, javascript:, custom schemes, other http
 * hosts) is refused, so a compromised page cannot use the OS opener to run things.
 */
export function isAllowedExternalUrl(link: string, configuredServerUrl?: string): boolean {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  if (url.protocol === 'https:') return true;
  if (url.protocol !== 'http:' || !configuredServerUrl) return false;
  try {
    return new URL(configuredServerUrl).origin === url.origin;
  } catch {
    return false;
  }
}
