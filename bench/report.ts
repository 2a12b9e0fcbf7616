import type { ContentionFigures } from './contention';
import type { MachineInfo } from './machine';
import type { PLAN, SubjectFigures } from './measure';
import type { BridgeParts } from './parts';
import type { SignInFigures } from './signIn';
import type { SourceState } from './sourceState';
import { median, percentile, round } from './stats';
import type { SubjectName } from './subjects';

export interface BenchResults {
  date: string;
  startedAt: string;
  durationSeconds: number;
  machine: MachineInfo;
  source: SourceState;
  plan: typeof PLAN & { signInSamples: number };
  subjects: Record<SubjectName, SubjectFigures>;
  parts: BridgeParts;
  signIn: SignInFigures & { addToCursorMs: number };
  contention: ContentionFigures[];
}

export interface Summary {
  readyMs: number;
  callP50Ms: number;
  callP99Ms: number;
  largeMs: number;
  readyRssMiB?: number;
  readyCpuMs?: number;
  afterLoadRssMiB?: number;
  cpuMsPerCall?: number;
  cpuMsPerLarge?: number;
}

export function summarize(f: SubjectFigures): Summary {
  return {
    readyMs: median(f.readyMs),
    callP50Ms: percentile(f.callMs, 50),
    callP99Ms: percentile(f.callMs, 99),
    largeMs: median(f.largeMs),
    ...(f.readyRssMiB.length ? { readyRssMiB: median(f.readyRssMiB) } : {}),
    ...(f.readyCpuMs.length ? { readyCpuMs: median(f.readyCpuMs) } : {}),
    ...(f.afterLoadRssMiB !== undefined ? { afterLoadRssMiB: f.afterLoadRssMiB } : {}),
    ...(f.cpuMsPerCall !== undefined ? { cpuMsPerCall: f.cpuMsPerCall } : {}),
    ...(f.cpuMsPerLarge !== undefined ? { cpuMsPerLarge: f.cpuMsPerLarge } : {}),
  };
}

export interface TargetCheck {
  measure: string;
  target: string;
  value: number;
  unit: string;
  met: boolean;
  /** When missed: what this run's own measurements say the figure is made of. */
  why?: string;
}

/**
 * The issue's targets for our bridge, for each era pairing that has a direct equivalent, each
 * against that pairing's direct client in the same run. Ready is compared with mcp-remote, which
 * speaks only the legacy era, so it is a target of the legacy pairing alone.
 */
export function checkTargets(results: BenchResults): TargetCheck[] {
  const direct = summarize(results.subjects.direct);
  const bridge = summarize(results.subjects.bridge);
  const remote = summarize(results.subjects['mcp-remote']);
  const p = results.parts;
  const node = p.nodeAlone;
  const readyRatio = bridge.readyMs / remote.readyMs;
  return [
    check(
      'Bridge ready (spawn → initialize result) vs mcp-remote',
      readyRatio,
      readyRatio <= 0.35,
      '×',
      '≤ 0.35× mcp-remote',
      `the bridge was ready in ${fmt(bridge.readyMs, 0)} ms, having used ${fmt(bridge.readyCpuMs, 0)} ms ` +
        `of CPU: Node itself ${fmt(node.cpuMs, 0)} ms, loading the bundle ` +
        `+${fmt(p.bundleLoaded.cpuMs - node.cpuMs, 0)} ms (each measured alone), the rest (keytar ` +
        `and the keychain read, the registry, the first request, initialize) ` +
        `+${fmt((bridge.readyCpuMs ?? Number.NaN) - p.bundleLoaded.cpuMs, 0)} ms.`,
    ),
    ...relayTargets('', direct, bridge, p, remote),
    ...results.contention.map((c) =>
      check(
        `Refresh requests, ${c.bridges} bridges expiring together`,
        c.refreshRequests,
        c.refreshRequests === 1,
        '',
        'exactly 1',
        c.refreshRequests === 0
          ? 'no refresh happened.'
          : 'more than one process refreshed: the cross-process lock did not hold.',
      ),
    ),
    ...relayTargets(
      '2026-07-28 client: ',
      summarize(results.subjects['modern-direct']),
      summarize(results.subjects['modern-bridge']),
      p,
    ),
  ];
}

/**
 * The targets on what the bridge adds to a direct client of its era: call latency, a 1 MiB
 * result, memory. `remote` (mcp-remote, legacy only) puts the bridge's figures beside another
 * relay's in the reasons.
 */
function relayTargets(
  label: string,
  direct: Summary,
  bridge: Summary,
  p: BridgeParts,
  remote?: Summary,
): TargetCheck[] {
  const node = p.nodeAlone;
  const callRatio = bridge.callP50Ms / direct.callP50Ms;
  const ratio = bridge.largeMs / direct.largeMs;
  const readyRss = bridge.readyRssMiB ?? Number.NaN;
  const afterRss = bridge.afterLoadRssMiB ?? Number.NaN;
  const besideRemote = (text: string) => (remote ? ` (mcp-remote ${text})` : '');
  return [
    check(
      `${label}tools/call p50 vs direct`,
      callRatio,
      callRatio <= 1.15,
      '×',
      '≤ 1.15× direct',
      `one more process in the path costs ${fmt(p.processHopMs, 2)} ms here even when it only ` +
        'echoes' +
        (remote ? ` (mcp-remote adds ${fmt(remote.callP50Ms - direct.callP50Ms, 2)} ms)` : '') +
        `; the bridge uses ${fmt(bridge.cpuMsPerCall, 2)} ms of CPU per call` +
        `${besideRemote(`${fmt(remote?.cpuMsPerCall, 2)} ms`)}.`,
    ),
    check(
      `${label}1 MiB result vs direct`,
      ratio,
      ratio <= 1.3,
      '×',
      '≤ 1.3× direct',
      `the bridge passes the result's bytes on, but they cross one more pipe and the client ` +
        `reads them from stdio: ${fmt(bridge.cpuMsPerLarge, 0)} ms of bridge CPU per result` +
        `${besideRemote(`${fmt(remote?.cpuMsPerLarge, 0)} ms`)} against ${fmt(direct.largeMs, 0)} ` +
        'ms for the whole direct call.',
    ),
    check(
      `${label}Bridge RSS when ready`,
      readyRss,
      readyRss <= 55,
      'MiB',
      '≤ 55 MiB',
      `Node alone is ${fmt(node.rssMiB)} MiB; one keychain read as the bridge does it adds ` +
        `${fmt(p.nodeWithKeychainRead.rssMiB - node.rssMiB)} MiB (keytar's: ` +
        `${fmt(p.nodeWithKeytarRead.rssMiB - node.rssMiB)} MiB); with ` +
        `one HTTP request too, the least any bridge does before it answers, ` +
        `${fmt(p.floor.rssMiB)} MiB. The bridge's own code, its status write and what V8 ` +
        `compiled add the other ${fmt(readyRss - p.floor.rssMiB)} MiB (bench/README.md).`,
    ),
    check(
      `${label}Bridge RSS after 1000 calls + seven 1 MiB results`,
      afterRss,
      afterRss <= 70,
      'MiB',
      '≤ 70 MiB',
      `it grew ${fmt(afterRss - readyRss)} MiB from ready, nearly all of it the C allocator's ` +
        'heap after the 1 MiB results (glibc keeps freed blocks between live ones; ' +
        'bench/README.md, "Memory on Node 24").',
    ),
  ];
}

function check(
  measure: string,
  value: number,
  met: boolean,
  unit: string,
  target: string,
  why: string,
): TargetCheck {
  return { measure, target, value: round(value, 2), unit, met, ...(met ? {} : { why }) };
}

/** One era pairing's subjects side by side; the first column is that pairing's direct client. */
function subjectTable(
  title: string,
  firstAnswer: string,
  columns: Array<[string, SubjectFigures]>,
  plan: BenchResults['plan'],
): string[] {
  const summaries = columns.map(([, figures]) => summarize(figures));
  const direct = summaries[0]!;
  const row = (label: string, pick: (x: Summary) => number | undefined, digits = 1) =>
    `| ${label} | ${summaries.map((x) => fmt(pick(x), digits)).join(' | ')} |`;
  return [
    `| ${title} | ${columns.map(([name]) => name).join(' | ')} |`,
    `| --- |${' ---: |'.repeat(columns.length)}`,
    row(
      `Ready: spawn → ${firstAnswer} result, ms (median of ${plan.startupSamples})`,
      (x) => x.readyMs,
    ),
    row('CPU used by then, ms (to 10 ms)', (x) => x.readyCpuMs, 0),
    row(`tools/call p50, ms (${plan.rounds * plan.callsPerRound} calls)`, (x) => x.callP50Ms, 2),
    row('tools/call p99, ms', (x) => x.callP99Ms, 2),
    row('Median overhead over direct, ms', (x) => x.callP50Ms - direct.callP50Ms, 2),
    row('CPU per call in the process, ms', (x) => x.cpuMsPerCall, 2),
    row(`1 MiB result, ms (median of ${plan.largeSamples})`, (x) => x.largeMs),
    row('1 MiB result vs direct, ×', (x) => x.largeMs / direct.largeMs, 2),
    row('RSS when ready, MiB (median)', (x) => x.readyRssMiB),
    row('RSS after the calls and seven 1 MiB results, MiB', (x) => x.afterLoadRssMiB),
  ];
}

function fmt(value: number | undefined, digits = 1): string {
  return value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(digits);
}

/** The tables the README shows: each era pairing's subjects side by side, the targets, the rest. */
export function markdown(results: BenchResults, targets: TargetCheck[]): string {
  const s = results.subjects;
  const { machine: m, plan, parts } = results;
  const partsInOrder = [
    parts.nodeAlone,
    parts.bundleLoaded,
    parts.nodeWithKeychainRead,
    parts.nodeWithKeytarRead,
    parts.floor,
  ];
  const value = (t: TargetCheck) =>
    `${t.value}${t.unit === '×' ? '×' : t.unit ? ` ${t.unit}` : ''}`;
  return [
    `## Bridge benchmark, ${results.date}`,
    '',
    `Machine: ${m.cpuModel}, ${m.cores} cores shared with other work (load average ` +
      `${m.loadAverageAtStart} at the start), ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}. ` +
      'One `npm run bench` run: the sandbox in its own process on 127.0.0.1, serving both eras ' +
      '(`dual`), the five clients measured against it in turn, interleaved. ' +
      `${results.durationSeconds} s in all. Bridge ` +
      `built from ${results.source.commit.slice(0, 7)}` +
      (results.source.uncommitted.length
        ? ` with uncommitted changes to ${results.source.uncommitted.join(', ')}.`
        : '.'),
    '',
    ...subjectTable(
      'Measure',
      'initialize',
      [
        ['direct HTTP', s.direct],
        ['our bridge', s.bridge],
        ['mcp-remote', s['mcp-remote']],
      ],
      plan,
    ),
    '',
    ...subjectTable(
      'Measure, 2026-07-28 client (stateless)',
      'server/discover',
      [
        ['direct HTTP', s['modern-direct']],
        ['our bridge', s['modern-bridge']],
      ],
      plan,
    ),
    '',
    'The direct clients run inside the benchmark process: they have no process of their own to ' +
      "weigh. The 2026-07-28 requests carry that revision's `_meta`, so the sandbox serves them " +
      'statelessly, as a Splattr that speaks only 2026-07-28 would.',
    '',
    '| Target for our bridge | Target | Measured | Met |',
    '| --- | --- | ---: | --- |',
    ...targets.map(
      (t) => `| ${t.measure} | ${t.target} | ${value(t)} | ${t.met ? 'yes' : `**no**: ${t.why}`} |`,
    ),
    '',
    '| Other measures | Value |',
    '| --- | ---: |',
    `| Chromium launch, ms | ${fmt(results.signIn.browserLaunchMs, 0)} |`,
    `| Whole sign-in in Chromium, start → tokens, ms (median of ${results.signIn.signInMs.length}) | ${fmt(median(results.signIn.signInMs), 0)} |`,
    `| Add to Cursor (sign-in, keychain, config file), ms | ${fmt(results.signIn.addToCursorMs, 0)} |`,
    ...results.contention.flatMap((c) => [
      `| ${c.bridges} bridges, tokens expiring together: refresh requests | ${c.refreshRequests} |`,
      `| ${c.bridges} bridges: first call after the expiry, median / max, ms | ${fmt(c.firstCallMedianMs, 0)} / ${fmt(c.firstCallMaxMs, 0)} |`,
      `| ${c.bridges} bridges: spawned together, all ready, ms | ${fmt(c.allReadyMs, 0)} |`,
    ]),
    `| CPU to start and exit, ms: Node alone / bridge bundle / Node + the bridge's keychain read / Node + keytar read / the bridge's read + one HTTP request | ${partsInOrder.map((c) => fmt(c.cpuMs, 0)).join(' / ')} |`,
    `| RSS at exit, MiB: same five | ${partsInOrder.map((c) => fmt(c.rssMiB)).join(' / ')} |`,
    `| One keychain read, ms (p50) | ${fmt(parts.keychainReadMs, 2)} |`,
    `| Round trip through one more (echoing) Node process, ms (p50) | ${fmt(parts.processHopMs, 2)} |`,
    '',
  ].join('\n');
}
