import { parseArgs } from 'node:util';
import type { CompanionApi } from '../shared/api';
import {
  CLIENT_IDS,
  CLIENT_NAMES,
  ClientIdSchema,
  NEXT_STEPS,
  type ClientId,
} from '../shared/clients';
import {
  ACCOUNT_NOT_SHARED_SENTENCE,
  accountLine,
  accountShared,
  isRepairable,
  STATUS_LABELS,
  statusSummary,
  type Account,
  type Connection,
  type ConnectionStatus,
} from '../shared/connection';
import { CompanionError, toErrorInfo } from '../shared/errors';
import { formatClients, formatConnections } from './format';
import { USAGE } from './usage';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Asks a yes/no question; false when nobody can answer (no terminal). */
  confirm(question: string): Promise<boolean>;
}

export interface CliDeps {
  io: CliIo;
  /** Creates the service; `open: false` means sign-in links are printed, not opened. */
  createService(options: { open: boolean }): Promise<CompanionApi & { dispose(): Promise<void> }>;
  /** Lets Ctrl-C cancel a pending sign-in. */
  onInterrupt(handler: () => void): void;
  /** Keeps what a person cannot act on (a bug's details) out of the terminal, in the log. */
  logUnexpected(error: unknown): void;
}

const EXIT = { done: 0, failed: 1, usage: 2 } as const;

class UsageError extends Error {}

const COMMANDS = new Set([
  'clients',
  'list',
  'status',
  'add',
  'reconnect',
  'test',
  'repair',
  'remove',
]);

const OPTIONS = {
  json: { type: 'boolean' },
  server: { type: 'string' },
  'client-id': { type: 'string' },
  'no-open': { type: 'boolean' },
  replace: { type: 'boolean' },
  yes: { type: 'boolean' },
  all: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Runs one CLI command and returns its exit code: 0 done, 1 failed, 2 usage. */
export async function runCli(argv: string[], deps: CliDeps): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    deps.io.err(`${(error as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  const [command, target, ...extra] = positionals;
  if (values.help || !command) {
    (values.help ? deps.io.out : deps.io.err)(USAGE);
    return values.help ? EXIT.done : EXIT.usage;
  }

  if (!COMMANDS.has(command)) {
    deps.io.err(`Unknown command: ${command}\n\n${USAGE}`);
    return EXIT.usage;
  }

  const service = await deps.createService({ open: !values['no-open'] });
  try {
    if (extra.length > 0) throw new UsageError(`Unexpected argument: ${extra[0]}`);
    await runCommand(command, target, values, service, deps);
    return EXIT.done;
  } catch (error) {
    if (error instanceof UsageError) {
      deps.io.err(`${error.message}\n\n${USAGE}`);
      return EXIT.usage;
    }
    if (!(error instanceof CompanionError)) deps.logUnexpected(error);
    deps.io.err(toErrorInfo(error).message);
    if (error instanceof CompanionError && error.code === 'config_entry_conflict') {
      deps.io.err(`To replace it, run: splattr-companion add ${target ?? '<client>'} --replace`);
    }
    return EXIT.failed;
  } finally {
    await service.dispose();
  }
}

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];

async function runCommand(
  command: string,
  target: string | undefined,
  values: Values,
  service: CompanionApi,
  deps: CliDeps,
): Promise<void> {
  const { io } = deps;
  switch (command) {
    case 'clients':
      io.out(formatClients(await service.listClients({})));
      return;
    case 'list': {
      const connections = await service.listConnections({});
      io.out(values.json ? JSON.stringify(connections, null, 2) : formatConnections(connections));
      return;
    }
    case 'status':
      io.out(statusReport(await service.listConnections({})));
      return;
    case 'add': {
      const client = parseClient(target);
      const result = await withSignIn(service, values, deps, () =>
        service.add({
          client,
          replace: values.replace,
          serverUrl: values.server,
          clientId: values['client-id'],
        }),
      );
      io.out(`Connected ${CLIENT_NAMES[client]}${signedInAs(result.connection.account)}`);
      if (result.nextStep !== 'none') {
        const { title, detail } = NEXT_STEPS[client];
        io.out(`${title}. ${detail}`);
      }
      return;
    }
    case 'reconnect': {
      const connection = await resolveConnection(service, target);
      const updated = await withSignIn(service, values, deps, () =>
        service.reconnect({ id: connection.id }),
      );
      io.out(`${CLIENT_NAMES[updated.client]} is connected again${signedInAs(updated.account)}`);
      return;
    }
    case 'test': {
      const connection = await resolveConnection(service, target);
      const result = await service.test({ id: connection.id });
      if (!result.ok) throw new CompanionError('server_error', result.error);
      io.out(
        `Splattr answered with ${result.toolCount} tools in ${Math.round(result.milliseconds)} ms.`,
      );
      return;
    }
    case 'repair':
      if (values.all) {
        if (target) throw new UsageError('Name one connection or pass --all, not both.');
        await repairAll(service, io);
        return;
      }
      await repairOne(service, await resolveConnection(service, target), io);
      return;
    case 'remove': {
      const connection = await resolveConnection(service, target);
      const question = `Remove Splattr from ${CLIENT_NAMES[connection.client]} (${accountLine(connection)})? This removes its entry from the client's config, deletes its tokens from the keychain and revokes its access at Splattr.`;
      if (!values.yes && !(await io.confirm(question))) {
        throw new UsageError('Not removed. Pass --yes to remove without being asked.');
      }
      await service.remove({ id: connection.id });
      io.out(`Removed Splattr from ${CLIENT_NAMES[connection.client]}.`);
      return;
    }
    default:
      throw new UsageError(`Unknown command: ${command}`);
  }
}

async function repairOne(service: CompanionApi, connection: Connection, io: CliIo): Promise<void> {
  await service.repair({ id: connection.id });
  io.out(`Splattr is back in ${CLIENT_NAMES[connection.client]}'s configuration.`);
}

/** Repairs every connection that needs it; one that fails does not stop the others. */
async function repairAll(service: CompanionApi, io: CliIo): Promise<void> {
  const broken = (await service.listConnections({})).filter((c) => isRepairable(c.status));
  if (broken.length === 0) {
    io.out('Nothing needs repair.');
    return;
  }
  const failures: CompanionError[] = [];
  for (const connection of broken) {
    try {
      await repairOne(service, connection, io);
    } catch (error) {
      if (!(error instanceof CompanionError)) throw error;
      failures.push(error);
      io.err(`${CLIENT_NAMES[connection.client]}: ${error.message}`);
    }
  }
  if (failures[0]) {
    throw new CompanionError(
      failures[0].code,
      `${failures.length} of ${broken.length} connections could not be repaired; see above.`,
    );
  }
}

/**
 * Runs a call that signs in through the browser: prints the sign-in link as soon as it exists
 * (always, for a machine where no browser opens) and lets Ctrl-C cancel the wait.
 */
async function withSignIn<T>(
  service: CompanionApi,
  values: Values,
  { io, onInterrupt }: CliDeps,
  action: () => Promise<T>,
): Promise<T> {
  const stop = service.onEvent((event) => {
    if (event.type !== 'sign-in-pending') return;
    const lead = values['no-open']
      ? 'Open this link in a browser to sign in to Splattr:'
      : "Your browser should open Splattr's sign-in page. If it does not, open:";
    io.out(`${lead}\n${event.url}\nWaiting for you to sign in… (Ctrl-C to cancel)`);
  });
  onInterrupt(() => void service.cancelSignIn({}));
  try {
    return await action();
  } finally {
    stop();
  }
}

/** The end of "Connected …": who signed in, or that the server did not say. */
function signedInAs(account: Account): string {
  return accountShared(account)
    ? ` as ${accountLine({ account })}.`
    : `. ${ACCOUNT_NOT_SHARED_SENTENCE}`;
}

function parseClient(value: string | undefined): ClientId {
  const parsed = ClientIdSchema.safeParse(value);
  if (!parsed.success) throw new UsageError(`Name a client: ${CLIENT_IDS.join(', ')}.`);
  return parsed.data;
}

/** A connection named by its id, or by its client when that client has exactly one. */
async function resolveConnection(
  service: CompanionApi,
  target: string | undefined,
): Promise<Connection> {
  if (!target) throw new UsageError('Name a connection id or a client.');
  const connections = await service.listConnections({});
  const byId = connections.find((c) => c.id === target);
  if (byId) return byId;
  const forClient = connections.filter((c) => c.client === target);
  if (forClient.length === 1 && forClient[0]) return forClient[0];
  if (forClient.length > 1) {
    throw new UsageError(`${target} has several connections; name one by id (see list).`);
  }
  throw new CompanionError('connection_not_found');
}

/** The command that fixes each status. */
const NEXT_COMMAND: Record<ConnectionStatus, string> = {
  connected: 'test',
  needs_sign_in: 'reconnect',
  missing_from_config: 'repair',
  needs_repair: 'repair',
  error: 'test',
};

function statusReport(connections: Connection[]): string {
  if (connections.length === 0) return formatConnections(connections);
  const lines = [`${statusSummary(connections)}.`];
  lines.push(
    ...connections.map(
      (c) => `${CLIENT_NAMES[c.client]}: ${STATUS_LABELS[c.status]} (${accountLine(c)})`,
    ),
  );
  const attention = connections.filter((c) => c.status !== 'connected');
  const fixes = attention.map((c) => `splattr-companion ${NEXT_COMMAND[c.status]} ${c.id}`);
  lines.push(
    attention.length === 0
      ? 'Everything is connected.'
      : `Needs attention — run: ${fixes.join('; ')}`,
  );
  return lines.join('\n');
}
