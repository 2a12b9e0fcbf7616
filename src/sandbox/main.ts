import { parseArgs } from 'node:util';
import { MCP_ERAS } from './eras';

const ERA_REVISIONS = {
  legacy: 'MCP 2025-11-25 and earlier',
  modern: 'MCP 2026-07-28',
  dual: 'MCP 2025-11-25 and 2026-07-28, chosen per request',
} as const;
const USAGE = `Usage: npm run sandbox -- [--port N] [--access-token-ttl SECONDS] [--tool-auth-errors] [--test-tools]
    [--era legacy|modern|dual]
    [--registration dcr|cimd|both] [--pre-registered none|client_secret_basic|client_secret_post]
    [--no-identity] [--no-refresh-tokens]`;

const REGISTRATION_MODES = ['dcr', 'cimd', 'both'] as const;
const AUTH_METHODS = ['none', 'client_secret_basic', 'client_secret_post'] as const;

function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  name: string,
): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    fail(`${name} must be one of ${allowed.join(', ')}, not "${value}".`);
  }
  return value as T;
}

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function positiveInteger(value: string, name: string, min: number): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min || number > 2 ** 31) {
    fail(`${name} must be a whole number of at least ${min}, not "${value}".`);
  }
  return number;
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        port: { type: 'string', default: '4100' },
        'access-token-ttl': { type: 'string', default: '3600' },
        'tool-auth-errors': { type: 'boolean', default: false },
        'test-tools': { type: 'boolean', default: false },
        era: { type: 'string', default: 'dual' },
        registration: { type: 'string' },
        'pre-registered': { type: 'string' },
        'no-identity': { type: 'boolean', default: false },
        'no-refresh-tokens': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
})();

if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

const port = positiveInteger(values.port, '--port', 0);
const registration = oneOf(values.registration, REGISTRATION_MODES, '--registration');
const preRegistered = oneOf(values['pre-registered'], AUTH_METHODS, '--pre-registered');
if (port > 65535) fail(`--port must be at most 65535, not ${port}.`);
const era = MCP_ERAS.find((name) => name === values.era);
if (!era) fail(`--era must be one of ${MCP_ERAS.join(', ')}, not "${values.era}".`);

// Loaded after the arguments are checked, so a usage error answers at once.
const { DEMO_ACCOUNTS, startSandbox } = await import('./index');
const sandbox = await startSandbox({
  port,
  accessTokenTtl: positiveInteger(values['access-token-ttl'], '--access-token-ttl', 1),
  toolAuthErrors: values['tool-auth-errors'],
  testTools: values['test-tools'],
  era,
  registration,
  preRegistered,
  identity: !values['no-identity'],
  refreshTokens: !values['no-refresh-tokens'],
  log: (line) => process.stderr.write(`${line}\n`),
}).catch((error: unknown) => {
  const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
  return fail(inUse ? `Port ${port} is already in use; pick another with --port.` : String(error));
});

const modes = [
  values['tool-auth-errors'] && 'tool-auth-errors',
  values['test-tools'] && 'test-tools',
  registration && `registration ${registration}`,
  values['no-identity'] && 'no ID token or userinfo',
  values['no-refresh-tokens'] && 'no refresh tokens',
].filter(Boolean);
const given = sandbox.preRegistered;
process.stdout.write(
  [
    'Splattr sandbox is running.',
    `  MCP URL:        ${sandbox.mcpUrl}`,
    `  MCP era:        ${era} (${ERA_REVISIONS[era]})`,
    `  Issuer:         ${sandbox.issuer}`,
    `  Security page:  ${sandbox.origin}/settings/security`,
    `  Access tokens:  ${values['access-token-ttl']} s${modes.length ? `   Modes: ${modes.join(', ')}` : ''}`,
    `  Client metadata document: ${sandbox.clientMetadataUrl}`,
    ...(given
      ? [
          `  Pre-registered client (${given.method}): --client-id ${given.clientId}` +
            (given.clientSecret ? `  SPLATTR_CLIENT_SECRET=${given.clientSecret}` : ''),
        ]
      : []),
    '  Demo accounts:',
    ...DEMO_ACCOUNTS.map((a) => `    ${a.email} / ${a.password}  (${a.name}, ${a.organization})`),
    `  Control token:  ${sandbox.controlToken}  (POST ${sandbox.origin}/__sandbox/<control>)`,
    'Press Ctrl+C to stop.',
    '',
  ].join('\n'),
);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void sandbox.close().then(() => process.exit(0));
  });
}
