// `npm run conformance`: the official MCP conformance suite's client authorization scenarios for
// spec 2026-07-28 (every `auth/*` scenario its frozen requirement set names: tier 1, which
// includes every scenario introduced in that revision), each run through the real CLI sign-in
// and the bridge started from the entry the CLI wrote (scripts/conformance/client.mjs).
//
// The suite needs Node 22 or later (fs.globSync): `npm run` gives the project's own Node (the
// `node` dev dependency), which the CLI and the bridge run on too. Scenarios run one at a time:
// each signs in through the keychain.
//
// Options: --wire 2026-07-28 (default) | 2025-11-25 — the MCP protocol the suite's server speaks
// after sign-in (the bridge speaks both). With --wire 2025-11-25 the scenarios introduced in
// 2026-07-28 are forced onto that wire. --scenario NAME runs one.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SPEC = '2026-07-28';
const suiteDir = path.join(root, 'node_modules/@modelcontextprotocol/conformance');

const { values } = parseArgs({
  options: { wire: { type: 'string', default: SPEC }, scenario: { type: 'string' } },
});

for (const [file, fix] of [
  [path.join(root, 'out/cli/cli.mjs'), 'run `npm run build` first'],
  [path.join(root, 'out/bridge/bridge.mjs'), 'run `npm run build` first'],
]) {
  if (!existsSync(file)) {
    process.stderr.write(`Missing ${path.relative(root, file)}: ${fix}.\n`);
    process.exit(2);
  }
}

if (Number(process.versions.node.split('.')[0]) < 22) {
  process.stderr.write(
    `The conformance suite needs Node 22 or later; this is ${process.version}. Run it with npm run conformance.\n`,
  );
  process.exit(2);
}

/** The client `auth/*` scenarios of the frozen requirement set (a flat YAML list). */
function requiredAuthScenarios() {
  const yaml = readFileSync(path.join(suiteDir, `requirements/${SPEC}.yaml`), 'utf8');
  const client = yaml.split(/^client:\n/m)[1]?.split(/^\S/m)[0] ?? '';
  return [...client.matchAll(/^ {2}- (auth\/\S+)$/gm)].map((match) => match[1]);
}

function run(scenario, outputDir) {
  const args = [
    path.join(suiteDir, 'dist/index.js'),
    'client',
    '--command',
    `${process.execPath} ${path.join(root, 'scripts/conformance/client.mjs')}`,
    '--scenario',
    scenario,
    '--spec-version',
    values.wire,
    '--timeout',
    '60000',
    '-o',
    outputDir,
    // On the older wire, scenarios introduced in 2026-07-28 run only when forced.
    ...(values.wire === SPEC ? [] : ['--force']),
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: { ...process.env, SPLATTR_CONFORMANCE_NODE: process.execPath },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => resolve({ code, output }));
  });
}

function checksOf(outputDir) {
  const found = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === 'checks.json') found.push(...JSON.parse(readFileSync(full, 'utf8')));
    }
  };
  walk(outputDir);
  return found;
}

const scenarios = values.scenario ? [values.scenario] : requiredAuthScenarios();
const rows = [];
for (const scenario of scenarios) {
  const outputDir = await mkdtemp(path.join(os.tmpdir(), 'splattr-conformance-out-'));
  const { code, output } = await run(scenario, outputDir);
  const checks = checksOf(outputDir);
  await rm(outputDir, { recursive: true, force: true });
  const count = (status) => checks.filter((check) => check.status === status).length;
  const judged = count('SUCCESS') + count('WARNING') + count('FAILURE');
  const failed = checks.filter((check) => check.status === 'FAILURE').map((check) => check.id);
  const row = {
    scenario,
    result: code === 0 ? 'pass' : 'FAIL',
    checks: `${count('SUCCESS')}/${judged}`,
    warnings: count('WARNING'),
    failed: failed.join(', ') || (code === 0 ? '' : lastLines(output)),
  };
  rows.push(row);
  process.stdout.write(`${row.result.padEnd(4)} ${scenario}  ${row.checks}\n`);
}

function lastLines(text) {
  return text.trim().split('\n').slice(-2).join(' ').replace(/\s+/g, ' ').slice(0, 160);
}

const passed = rows.filter((row) => row.result === 'pass').length;
process.stdout.write(
  [
    '',
    `Spec ${SPEC} client authorization scenarios, MCP wire ${values.wire}: ${passed}/${rows.length} passed`,
    '',
    '| Scenario | Result | Checks passed | Warnings | Failed checks |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(
      (row) =>
        `| \`${row.scenario}\` | ${row.result} | ${row.checks} | ${row.warnings} | ${row.failed} |`,
    ),
    '',
  ].join('\n'),
);
process.exit(passed === rows.length ? 0 : 1);
