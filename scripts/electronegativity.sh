#!/usr/bin/env bash
# Audits the Electron code with @doyensec/electronegativity and fails when a HIGH or MEDIUM
# finding is not explained in scripts/electronegativity-explained.json (check → file → reason).
#
# The tool is installed into a throwaway folder of its own: installed beside the project it breaks
# (`commander.version is not a function`) because npm hoists a newer commander next to it.
# It exits 0 whatever it finds, so this script reads its CSV report. Its security-fix check is
# skipped: it downloads Electron's release list, which only tells us to keep Electron updated.
set -euo pipefail
cd "$(dirname "$0")/.."

electron_version=$(node -p "require('./node_modules/electron/package.json').version")
report=${ELECTRONEGATIVITY_REPORT:-test-results/electronegativity.csv}
mkdir -p "$(dirname "$report")"
rm -f "$report"

tool_dir=$(mktemp -d)
trap 'rm -rf "$tool_dir"' EXIT
npm install --prefix "$tool_dir" --no-audit --no-fund --loglevel=error \
  @doyensec/electronegativity@1.10.3 >/dev/null

# Its start-up download of translations crashes Node 22+ where it fails: see the preload.
NODE_OPTIONS="--import=./scripts/electronegativity-offline.mjs" \
  "$tool_dir/node_modules/.bin/electronegativity" \
  --input src --relative --electron-version "$electron_version" \
  --exclude-checks AvailableSecurityFixesGlobalCheck --output "$report" >/dev/null

node --input-type=module - "$report" scripts/electronegativity-explained.json <<'NODE'
import { readFileSync } from 'node:fs';

const [reportPath, explainedPath] = process.argv.slice(2);
let text;
try {
  text = readFileSync(reportPath, 'utf8');
} catch {
  console.error(`electronegativity wrote no report (${reportPath}): it did not run.`);
  process.exit(1);
}

// Its CSV quotes fields that may hold commas, doubling inner quotes (RFC 4180); no CSV package
// is among the project's dependencies for these few lines.
function parseLine(line) {
  const fields = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted && c === '"' && line[i + 1] === '"') field += line[++i];
    else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) fields.push(field.trim()), (field = '');
    else field += c;
  }
  return [...fields, field.trim()];
}

const [header, ...rows] = text.split(/\r?\n/).filter(Boolean);
if (!header?.startsWith('issue,')) {
  console.error(`Unexpected electronegativity report format in ${reportPath}.`);
  process.exit(1);
}
const explained = JSON.parse(readFileSync(explainedPath, 'utf8'));
const used = new Set();
const unexplained = [];
for (const row of rows) {
  const [check, severity, confidence, file, location, sample] = parseLine(row);
  if (severity !== 'HIGH' && severity !== 'MEDIUM') continue;
  const source = `src/${file}`;
  const reason = explained[check]?.[source];
  if (reason) used.add(`${check} ${source}`);
  else unexplained.push(`${severity} ${check} (${confidence}) at ${source}:${location}: ${sample}`);
}

for (const [check, files] of Object.entries(explained)) {
  for (const file of Object.keys(files)) {
    if (!used.has(`${check} ${file}`)) {
      console.log(`note: ${check} in ${file} is explained but no longer found; remove it.`);
    }
  }
}
if (unexplained.length > 0) {
  console.error('electronegativity findings that are not explained:');
  for (const line of unexplained) console.error(`  ${line}`);
  console.error(`Fix them, or explain why they are safe in ${explainedPath}.`);
  process.exit(1);
}
console.log(`electronegativity: ${rows.length} findings, none HIGH or MEDIUM left unexplained.`);
NODE
