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
 * on the first https request.
 *
 * One context given to every connection, rather than Node 22's `--use-system-ca` or
 * `tls.setDefaultCACertificates`: those do not exist on Node 20, and a flag in a client's config
 * entry would stop the bridge from starting on a Node that does not know it.
 */
export function trustedContext(): tls.SecureContext {
  if (context) return context;
  const env = process.env;
  const bundled = new Set(tls.rootCertificates.map(certificateBody));
  const extra = env.NODE_EXTRA_CA_CERTS ? pemFile(env.NODE_EXTRA_CA_CERTS) : [];
  const added = [...new Set([...extra, ...systemCertificates(env)])].filter(
    (pem) => !bundled.has(certificateBody(pem)),
  );
  context = extendedDefaultContext(added) ?? fullContext([...tls.rootCertificates, ...added]);
  return context;
}

/**
 * Node's default context with the certificates its bundled list lacks. Node parses that list
 * once into a shared store; giving every certificate as `ca` parses them all again (about 3×
 * the CPU of the first https request, measured in bench/netTrust.md). The native context's
 * `addCACert`, which `ca` itself uses, adds to a copy of the bundled list owned by this context
 * alone (the copy leaves out NODE_EXTRA_CA_CERTS, hence those are in `added`). It is
 * undocumented, so where it is missing the full list is given as `ca`.
 */
function extendedDefaultContext(added: string[]): tls.SecureContext | undefined {
  const base = tls.createSecureContext();
  const native = (base as { context?: { addCACert?: unknown } }).context;
  const addCACert = native?.addCACert;
  if (typeof addCACert !== 'function') return undefined;
  for (const pem of added) {
    try {
      addCACert.call(native, pem);
    } catch {
      // One damaged certificate in a store must not cost the others.
    }
  }
  return base;
}

function fullContext(certificates: string[]): tls.SecureContext {
  try {
    return tls.createSecureContext({ ca: certificates });
  } catch {
    // One damaged certificate in a store must not cost the others: keep those that parse.
    return tls.createSecureContext({ ca: certificates.filter(parses) });
  }
}

/** A certificate's base64 body: the same certificate, however its PEM lines are wrapped. */
function certificateBody(pem: string): string {
  return pem.replace(/-----[^-]+-----|\s/g, '');
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
