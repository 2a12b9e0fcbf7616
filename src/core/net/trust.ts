import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import tls from 'node:tls';

/** Node ≥ 22.15 (Electron 45's node mode among them); @types/node 20 does not declare it. */
type CertificateSource = 'default' | 'system';
const getCACertificates = (tls as { getCACertificates?: (source: CertificateSource) => string[] })
  .getCACertificates;

/**
 * Where Linux distributions keep the system's certificate bundle (the file OpenSSL's default
 * verify paths lead to), in the order Go's crypto/x509 tries them.
 */
const LINUX_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt', // Debian, Ubuntu, Arch, Gentoo
  '/etc/pki/tls/certs/ca-bundle.crt', // Fedora, RHEL
  '/etc/ssl/ca-bundle.pem', // openSUSE
  '/etc/pki/tls/cacert.pem', // OpenELEC
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem', // CentOS, RHEL 7
  '/etc/ssl/cert.pem', // Alpine
];

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

let context: tls.SecureContext | undefined;

/**
 * The TLS context of every https connection the app, the CLI and the bridge make to Splattr:
 * Node's own trust (its bundled list and NODE_EXTRA_CA_CERTS) plus the operating system's store,
 * where a company installs the certificate of a proxy that inspects TLS. Built once per process,
 * on the first https request (reading and loading a few hundred certificates takes tens of ms).
 *
 * One context given to every connection, rather than Node 22's `--use-system-ca` or
 * `tls.setDefaultCACertificates`: those do not exist on Node 20, and a flag in a client's config
 * entry would stop the bridge from starting on a Node that does not know it.
 */
export function trustedContext(): tls.SecureContext {
  if (context) return context;
  const env = process.env;
  const certificates = [...new Set([...nodeCertificates(env), ...systemCertificates(env)])];
  try {
    context = tls.createSecureContext({ ca: certificates });
  } catch {
    // One damaged certificate in a store must not cost the others: keep those that parse.
    context = tls.createSecureContext({ ca: certificates.filter(parses) });
  }
  return context;
}

function parses(pem: string): boolean {
  try {
    new X509Certificate(pem);
    return true;
  } catch {
    return false;
  }
}

/**
 * What Node trusts by default. A context given its own `ca` list loses NODE_EXTRA_CA_CERTS, so
 * on Node 20, which cannot list its defaults, that file is read here as Node read it at start.
 */
function nodeCertificates(env: NodeJS.ProcessEnv): string[] {
  if (getCACertificates) return getCACertificates('default');
  const extra = env.NODE_EXTRA_CA_CERTS ? pemFile(env.NODE_EXTRA_CA_CERTS) : [];
  return [...tls.rootCertificates, ...extra];
}

/**
 * The operating system's store. On Linux it is a PEM bundle: read directly (SSL_CERT_FILE first,
 * as OpenSSL does), on Node 20 and 22 alike; Node 22's own `getCACertificates('system')` reads
 * the hashed certificate folder as well, several times slower, for the same certificates. On
 * macOS and Windows the store is only reachable through Node ≥ 22.15, which the packaged app's
 * Electron has; a bridge run by an older Node there trusts Node's list and NODE_EXTRA_CA_CERTS.
 */
function systemCertificates(env: NodeJS.ProcessEnv): string[] {
  if (process.platform === 'darwin' || process.platform === 'win32') {
    return getCACertificates?.('system') ?? [];
  }
  const bundle = env.SSL_CERT_FILE ?? LINUX_BUNDLES.find((file) => existsSync(file));
  return bundle ? pemFile(bundle) : [];
}

function pemFile(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').match(PEM_CERTIFICATE) ?? [];
  } catch {
    // Node itself only warns about an unreadable NODE_EXTRA_CA_CERTS and carries on.
    return [];
  }
}
