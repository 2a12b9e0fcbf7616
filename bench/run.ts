// `npm run bench`: the bridge against a direct Streamable HTTP client and mcp-remote, for a legacy
// client and for a 2026-07-28 one, in one run against one sandbox, plus a browser sign-in and
// refresh contention. Writes bench/results/<date>.json and .md, bench/results/latest.md, and the
// README's bench section.
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { redact } from '../src/core/log';
import { BRIDGE_SCRIPT } from '../support/companion';
import { addBenchConnection } from './benchConnection';
import { measureContention, type ContentionFigures } from './contention';
import type { BenchContext } from './context';
import { machineInfo } from './machine';
import { measureSubjects, PLAN } from './measure';
import { measureBridgeParts } from './parts';
import { formatMarkdown, updateReadme } from './readmeSection';
import { checkTargets, markdown, type BenchResults } from './report';
import { startSandboxProcess } from './sandboxProcess';
import { sourceState } from './sourceState';
import { measureSignIn } from './signIn';
import {
  bridgeSubject,
  directSubject,
  mcpRemoteSubject,
  modernBridgeSubject,
  modernDirectSubject,
  type Connection,
} from './subjects';

const RESULTS = path.resolve('bench/results');
const SIGN_IN_SAMPLES = 5;
const CONTENTION = [10, 20];
const DEADLINE_MS = 8 * 60_000;

const stop = new AbortController();
const open = new Set<Connection>();
const cleanups: Array<() => Promise<unknown>> = [];
const context: BenchContext = {
  progress: (line) => process.stderr.write(`bench: ${line}\n`),
  track(connection) {
    open.add(connection);
    return () => open.delete(connection);
  },
  signal: stop.signal,
};

/** Undoes everything in reverse order, each step on its own so one failure skips nothing. */
async function cleanUp(): Promise<void> {
  await Promise.all([...open].map((c) => c.close().catch(() => undefined)));
  open.clear();
  for (const step of cleanups.reverse()) {
    await step().catch((error: unknown) =>
      context.progress(`cleanup step failed: ${redact(String(error))}`),
    );
  }
}

async function main(): Promise<void> {
  const { progress, signal } = context;
  const startedAt = new Date();
  const source = sourceState();
  progress('building the bridge bundle');
  const build = spawnSync(process.execPath, ['scripts/build-bridge.mjs'], {
    stdio: 'inherit',
    timeout: 120_000,
  });
  if (build.status !== 0) throw new Error('The bridge bundle did not build.');
  const machine = machineInfo();

  progress('starting the sandbox');
  const sandbox = await startSandboxProcess();
  cleanups.push(() => sandbox.close());

  signal.throwIfAborted();
  progress(`sign-in in Chromium: ${SIGN_IN_SAMPLES} samples`);
  const { browser, figures: signIn } = await measureSignIn(sandbox.asSandbox, SIGN_IN_SAMPLES);
  cleanups.push(() => browser.close());
  signal.throwIfAborted();
  progress('adding Splattr to Cursor in a temporary HOME');
  const connection = await addBenchConnection(sandbox.asSandbox, browser);
  cleanups.push(() => connection.dispose());
  // Chromium would only compete for the two cores from here on.
  await browser.close();

  const token = await connection.accessToken();
  const mcpRemote = await mcpRemoteSubject(sandbox.mcpUrl, token);
  cleanups.push(() => mcpRemote.dispose());
  const bridge = bridgeSubject(connection.entry, connection.home);
  // Both pairings in one interleaved plan, so they share the machine's load and the sandbox's
  // state: that needs the sandbox's default `dual` era, which serves each request with 2026-07-28
  // `_meta` by the same stateless handler as its `modern` era, and the bridge forwards a modern
  // client's requests to a dual Splattr as they are, as it would to a modern-only one.
  // Rounds rotate this list, so each subject always runs right after the same one: the legacy
  // direct client after mcp-remote (the heaviest, 70 ms of CPU per 1 MiB result) as before the
  // modern pairing joined, and each bridge right after its own direct client, so that the two
  // pairings' ratios are taken in the same conditions.
  const subjects = await measureSubjects(
    [
      directSubject(sandbox.mcpUrl, token),
      bridge,
      modernDirectSubject(sandbox.mcpUrl, token),
      modernBridgeSubject(connection.entry, connection.home),
      mcpRemote,
    ],
    context,
  );

  signal.throwIfAborted();
  progress('the parts: Node, the bundle, the keychain, the floor, one more process');
  const parts = await measureBridgeParts({
    bridgeScript: BRIDGE_SCRIPT,
    connectionId: connection.id,
    mcpUrl: sandbox.mcpUrl,
    samples: PLAN.startupSamples,
  });

  const contention: ContentionFigures[] = [];
  for (const bridges of CONTENTION) {
    progress(`refresh contention: ${bridges} bridges`);
    contention.push(
      await measureContention(bridges, bridge, connection.expireTokens, sandbox.controls, context),
    );
  }

  const results: BenchResults = {
    date: startedAt.toISOString().slice(0, 10),
    startedAt: startedAt.toISOString(),
    durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
    machine,
    source,
    plan: { ...PLAN, signInSamples: SIGN_IN_SAMPLES },
    subjects,
    parts,
    signIn: { ...signIn, addToCursorMs: connection.addMs },
    contention,
  };
  const targets = checkTargets(results);
  const table = await formatMarkdown(markdown(results, targets), path.join(RESULTS, 'latest.md'));
  await mkdir(RESULTS, { recursive: true });
  await writeFile(
    path.join(RESULTS, `${results.date}.json`),
    `${JSON.stringify({ ...results, targets }, null, 2)}\n`,
  );
  await writeFile(path.join(RESULTS, `${results.date}.md`), table);
  await writeFile(path.join(RESULTS, 'latest.md'), table);
  await updateReadme(path.resolve('README.md'), table);
  process.stdout.write(`\n${table}\n`);
  progress(`results in ${path.relative(process.cwd(), RESULTS)}/${results.date}.{json,md}`);
}

// Stopping goes through the abort signal, so the main path unwinds and cleans up behind itself.
// `process.on`, not `once`: signal-exit (under write-file-atomic) re-raises a signal it thinks
// nobody else handles, which would kill the process halfway through the cleanup.
for (const name of ['SIGINT', 'SIGTERM'] as const) {
  process.on(name, () => stop.abort(new Error(`Stopped by ${name}.`)));
}
const deadline = setTimeout(
  () => stop.abort(new Error(`Stopped: the bench took longer than ${DEADLINE_MS / 60_000} min.`)),
  DEADLINE_MS,
);

try {
  await main();
} catch (error) {
  process.exitCode = stop.signal.aborted ? 130 : 1;
  const reason = stop.signal.aborted ? stop.signal.reason : error;
  context.progress(
    `failed: ${redact(reason instanceof Error ? (reason.stack ?? reason.message) : String(reason))}`,
  );
} finally {
  await cleanUp();
  clearTimeout(deadline);
}
