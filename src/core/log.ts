import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import { utcTimestamp } from './utcTimestamp';

const MAX_BYTES = 1024 * 1024;

const SECRET_PARAMS =
  'access_token|refresh_token|id_token|code|code_verifier|client_secret|password|token|assertion';
// `code` stays out of JSON: there it is an error code, worth keeping; an authorization code only
// travels in URLs and form bodies.
const SECRET_FIELDS =
  'access_token|refresh_token|id_token|code_verifier|client_secret|password|token|assertion|accessToken|refreshToken|idToken|codeVerifier|clientSecret';

const REDACTIONS: Array<[RegExp, string]> = [
  // Authorization headers and anything else written as "Bearer <value>" / "Basic <value>".
  [/\b(Bearer|Basic)\s+[^\s"',;]+/gi, '$1 [redacted]'],
  // JSON fields, snake_case and camelCase: "refresh_token": "…", "accessToken": "…".
  [new RegExp(`("(?:${SECRET_FIELDS})"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi'), '$1"[redacted]"'],
  // Query strings and form bodies: refresh_token=…&code=…
  [new RegExp(`\\b(${SECRET_PARAMS})=[^&\\s"']*`, 'gi'), '$1=[redacted]'],
];

// Opaque tokens, JWTs and verifiers: long runs of token characters mixing letters and digits.
// Kept: UUIDs (connection ids, not secret) and paths (a "/" run without mixed case), without
// which a log would not help anyone.
const LONG_RUN = /[A-Za-z0-9._~+/=-]{32,}/g;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function secretLike(run: string): boolean {
  if (UUID.test(run) || !/\d/.test(run) || !/[A-Za-z]/.test(run)) return false;
  return !run.includes('/') || (/[A-Z]/.test(run) && /[a-z]/.test(run));
}

/** Removes anything token-like from a line before it is written anywhere. */
export function redact(text: string): string {
  let out = text;
  for (const [pattern, replacement] of REDACTIONS) out = out.replace(pattern, replacement);
  return out.replace(LONG_RUN, (run) => (secretLike(run) ? '[redacted]' : run));
}

export type LogLevel = 'info' | 'warn' | 'error';

export interface Logger {
  readonly file: string;
  info(message: string, details?: unknown): void;
  warn(message: string, details?: unknown): void;
  error(message: string, details?: unknown): void;
}

/**
 * A size-bounded log in `<dataDir>/logs/<name>.log`, rotated once to `<name>.log.1` past 1 MiB,
 * so a bridge running for months never fills the disk. Every line passes through `redact()`.
 * Synchronous appends keep lines whole when several processes share a file and survive a crash
 * right after the write; a logging failure never breaks the caller.
 */
export function createLogger(dataDir: string, name: string, maxBytes: number = MAX_BYTES): Logger {
  const file = path.join(dataDir, 'logs', `${name}.log`);
  let folderReady = false;

  function write(level: LogLevel, message: string, details?: unknown): void {
    const extra = details === undefined ? '' : ` ${describe(details)}`;
    const line = `${utcTimestamp()} ${level} ${redact(message + extra).replace(/\n/g, '\\n')}\n`;
    try {
      if (!folderReady) {
        mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
        folderReady = true;
      }
      if (sizeOf(file) + line.length > maxBytes) renameSync(file, `${file}.1`);
      appendFileSync(file, line, { mode: 0o600 });
    } catch {
      // Logging is best effort.
    }
  }

  return {
    file,
    info: (m, d) => write('info', m, d),
    warn: (m, d) => write('warn', m, d),
    error: (m, d) => write('error', m, d),
  };
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function describe(details: unknown): string {
  if (details instanceof Error) {
    const code = (details as { code?: unknown }).code;
    return `${details.name}${code ? ` [${String(code)}]` : ''}: ${details.message}`;
  }
  try {
    return JSON.stringify(details);
  } catch {
    return String(details);
  }
}
