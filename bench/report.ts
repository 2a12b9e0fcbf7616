import type { ContentionFigures } from './contention';
import type { MachineInfo } from './machine';
import type { PLAN, SubjectFigures } from './measure';
import type { SignInFigures } from './signIn';
import type { StartupBreakdown } from './startupBreakdown';
import { median, percentile, round } from './stats';
import type { SubjectName } from './subjects';

export interface BenchResults {
  date: string;
  startedAt: string;
  durationSeconds: number;
  machine: MachineInfo;
  plan: typeof PLAN & { signInSamples: number };
  subjects: Record<SubjectName, SubjectFigures>;
  startupBreakdown: StartupBreakdown;
  signIn: SignInFigures & { addToCursorMs: number };
  contention: ContentionFigures[];
}

export interface Summary {
  readyMs: number;
  callP50Ms: number;
  callP99Ms: number;
  largeMs: number;
  readyRssMiB?: number;
  afterLoadRssMiB?: number;
}

export function summarize(figures: SubjectFigures): Summary {
  return {
    readyMs: median(figures.readyMs),
    callP50Ms: percentile(figures.callMs, 50),
    callP99Ms: percentile(figures.callMs, 99),
    largeMs: median(figures.largeMs),
    ...(figures.readyRssMiB.length ? { readyRssMiB: median(figures.readyRssMiB) } : {}),
    ...(figures.afterLoadRssMiB !== undefined ? { afterLoadRssMiB: figures.afterLoadRssMiB } : {}),
  };
}

export interface TargetCheck {
  measure: string;
  target: string;
  value: number;
  unit: string;
  met: boolean;
  /** Why, when it is missed: what the measurements of this run say about the cause. */
  why?: string;
}

/** The issue's targets for our bridge, each against the direct client of the same run. */
export function checkTargets(results: BenchResults): TargetCheck[] {
  const direct = summarize(results.subjects.direct);
  const bridge = summarize(results.subjects.bridge);
  const b = results.startupBreakdown;
  const check = (
    measure: string,
    value: number,
    limit: number,
    unit: string,
    target: string,
    why: string,
  ): TargetCheck => {
    const met = value <= limit;
    return { measure, target, value: round(value, 2), unit, met, ...(met ? {} : { why }) };
  };
  const connectMs = bridge.readyMs - b.bundleLoadedMs;
  return [
    check(
      'Bridge ready (spawn → initialize result)',
      bridge.readyMs,
      150,
      'ms',
      '≤ 150 ms',
      `Node alone takes ${fmt(b.nodeAloneMs)} ms to start and exit here; loading the bundle adds ` +
        `${fmt(b.bundleLoadedMs - b.nodeAloneMs)} ms; the rest (${fmt(connectMs)} ms) is the ` +
        'registry, the keychain and the upstream initialize.',
    ),
    check(
      'Median overhead over direct (tools/call p50)',
      bridge.callP50Ms - direct.callP50Ms,
      0.3,
      'ms',
      '≤ 0.3 ms',
      'Each call crosses two more process boundaries (stdio in and out of the bridge) and the ' +
        'bridge reads the registry and the keychain for the token before sending it.',
    ),
    check(
      '1 MiB result vs direct',
      bridge.largeMs / direct.largeMs,
      1.5,
      '×',
      '≤ 1.5× direct',
      'The result is parsed from the HTTP response and serialised again onto stdout.',
    ),
    check(
      'Bridge RSS when ready',
      bridge.readyRssMiB ?? Number.NaN,
      60,
      'MiB',
      '≤ 60 MiB',
      `Node alone is ${fmt(b.nodeAloneRssMiB)} MiB; with the bundle loaded ` +
        `${fmt(b.bundleLoadedRssMiB)} MiB before any connection.`,
    ),
    check(
      'Bridge RSS after 1000 calls + 1 MiB results',
      bridge.afterLoadRssMiB ?? Number.NaN,
      80,
      'MiB',
      '≤ 80 MiB',
      'V8 keeps the heap it grew for the 1 MiB result (text, JSON parse and stringify copies).',
    ),
    ...results.contention.map((c) =>
      check(
        `Refresh requests, ${c.bridges} bridges expiring together`,
        c.refreshRequests,
        1,
        '',
        'exactly 1',
        'More than one process refreshed: the cross-process lock did not hold.',
      ),
    ),
  ].map((t) =>
    t.measure.startsWith('Refresh') && t.value < 1
      ? { ...t, met: false, why: 'No refresh happened.' }
      : t,
  );
}

function fmt(value: number | undefined, digits = 1): string {
  return value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(digits);
}

/** The tables the README shows: the three subjects side by side, then the targets. */
export function markdown(results: BenchResults, targets: TargetCheck[]): string {
  const s = {
    direct: summarize(results.subjects.direct),
    bridge: summarize(results.subjects.bridge),
    remote: summarize(results.subjects['mcp-remote']),
  };
  const m = results.machine;
  const p = results.plan;
  const row = (label: string, pick: (x: Summary) => number | undefined, digits = 1) =>
    `| ${label} | ${fmt(pick(s.direct), digits)} | ${fmt(pick(s.bridge), digits)} | ${fmt(pick(s.remote), digits)} |`;
  const overhead = (x: Summary) => x.callP50Ms - s.direct.callP50Ms;
  const ratio = (x: Summary) => x.largeMs / s.direct.largeMs;
  const lines = [
    `## Bridge benchmark, ${results.date}`,
    '',
    `Machine: ${m.cpuModel}, ${m.cores} cores (shared; load average ${m.loadAverageAtStart} at ` +
      `the start), ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}. Sandbox in its own process on ` +
      `127.0.0.1; all three measured in the same run, interleaved. Run time ${results.durationSeconds} s.`,
    '',
    '| Measure | direct HTTP | our bridge | mcp-remote |',
    '| --- | ---: | ---: | ---: |',
    row(`Ready: spawn → initialize result, ms (median of ${p.startupSamples})`, (x) => x.readyMs),
    row(`tools/call p50, ms (${p.rounds * p.callsPerRound} calls)`, (x) => x.callP50Ms, 2),
    row('tools/call p99, ms', (x) => x.callP99Ms, 2),
    row('Median overhead over direct, ms', overhead, 2),
    row(`1 MiB result, ms (median of ${p.largeSamples})`, (x) => x.largeMs),
    row('1 MiB result vs direct, ×', ratio, 2),
    row('RSS when ready, MiB (median)', (x) => x.readyRssMiB),
    row('RSS after the calls and 1 MiB results, MiB', (x) => x.afterLoadRssMiB),
    '',
    'Direct HTTP runs inside the benchmark process, so it has no process of its own to measure.',
    '',
    '| Target for our bridge | Target | Measured | Met |',
    '| --- | --- | ---: | :---: |',
    ...targets.map(
      (t) =>
        `| ${t.measure} | ${t.target} | ${t.value}${t.unit && t.unit !== '×' ? ` ${t.unit}` : t.unit} | ${t.met ? 'yes' : `**no**: ${t.why}`} |`,
    ),
    '',
    '| Other measures | Value |',
    '| --- | ---: |',
    `| Chromium launch, ms | ${fmt(results.signIn.browserLaunchMs, 0)} |`,
    `| Whole sign-in in Chromium, start → tokens, ms (median of ${results.signIn.signInMs.length}) | ${fmt(median(results.signIn.signInMs), 0)} |`,
    `| Add to Cursor (sign-in, keychain, config), ms | ${fmt(results.signIn.addToCursorMs, 0)} |`,
    ...results.contention.flatMap((c) => [
      `| ${c.bridges} bridges, tokens expiring together: refresh requests | ${c.refreshRequests} |`,
      `| ${c.bridges} bridges: first call after expiry, median / max, ms | ${fmt(c.firstCallMedianMs, 0)} / ${fmt(c.firstCallMaxMs, 0)} |`,
      `| ${c.bridges} bridges: all spawned and ready, ms | ${fmt(c.allReadyMs, 0)} |`,
    ]),
    `| Startup split: \`node -e 0\` / bundle loaded (usage error) / ready, ms | ${fmt(results.startupBreakdown.nodeAloneMs)} / ${fmt(results.startupBreakdown.bundleLoadedMs)} / ${fmt(s.bridge.readyMs)} |`,
    `| Memory split: Node alone / bundle loaded / ready, MiB | ${fmt(results.startupBreakdown.nodeAloneRssMiB)} / ${fmt(results.startupBreakdown.bundleLoadedRssMiB)} / ${fmt(s.bridge.readyRssMiB)} |`,
    '',
  ];
  return lines.join('\n');
}
