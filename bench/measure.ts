import { cpuTimeMs, residentMiB } from './procfs';
import type { BenchContext } from './context';
import type { Connection, Subject, SubjectName, ToolResult } from './subjects';

export const PLAN = {
  startupSamples: 10,
  warmupCalls: 100,
  /** Calls are measured in rounds that visit the subjects in turn, so a burst of load from
   * elsewhere on the (shared) machine falls on all of them alike. */
  rounds: 10,
  callsPerRound: 100,
  largeBytes: 1024 * 1024,
  /** Memory is read after this many (the target says seven)... */
  largeBeforeMemory: 7,
  /** ...and the latency is the median of all of them: 7 samples moved the ratio by 0.5×. */
  largeSamples: 21,
  callTimeoutMs: 30_000,
} as const;

export interface SubjectFigures {
  readyMs: number[];
  /** Resident memory of the process right after each startup sample's initialize result. */
  readyRssMiB: number[];
  /** CPU time the process had used by then (to 10 ms): its start-up cost without the waiting. */
  readyCpuMs: number[];
  callMs: number[];
  largeMs: number[];
  /** After the warm-up, the measured calls and the first seven 1 MiB results, in one process. */
  afterLoadRssMiB?: number;
  /** CPU time the process used per measured call, and per 1 MiB result. */
  cpuMsPerCall?: number;
  cpuMsPerLarge?: number;
}

type Figures = Record<SubjectName, SubjectFigures>;

/** Startup samples, then call latency, 1 MiB results and memory for each subject, interleaved. */
export async function measureSubjects(
  subjects: readonly Subject[],
  { progress, track, signal }: BenchContext,
): Promise<Figures> {
  const figures = Object.fromEntries(
    subjects.map((s) => [
      s.name,
      { readyMs: [], readyRssMiB: [], readyCpuMs: [], callMs: [], largeMs: [] },
    ]),
  ) as unknown as Figures;

  progress(`startup: ${PLAN.startupSamples} samples each`);
  for (let i = 0; i < PLAN.startupSamples; i++) {
    for (const subject of rotate(subjects, i)) {
      signal.throwIfAborted();
      const connection = await subject.connect();
      const untrack = track(connection);
      figures[subject.name].readyMs.push(connection.readyMs);
      if (connection.pid) {
        figures[subject.name].readyRssMiB.push(residentMiB(connection.pid));
        figures[subject.name].readyCpuMs.push(cpuTimeMs(connection.pid));
      }
      await connection.close();
      untrack();
    }
  }

  const connections = new Map<SubjectName, Connection>();
  const untrackAll: Array<() => void> = [];
  try {
    for (const subject of subjects) {
      signal.throwIfAborted();
      const connection = await subject.connect();
      untrackAll.push(track(connection));
      connections.set(subject.name, connection);
      for (let i = 0; i < PLAN.warmupCalls; i++) await whoami(connection);
    }

    progress(`tools/call: ${PLAN.rounds} rounds of ${PLAN.callsPerRound} calls each`);
    let cpu = cpuSnapshot(connections);
    for (let round = 0; round < PLAN.rounds; round++) {
      for (const subject of rotate(subjects, round)) {
        signal.throwIfAborted();
        const connection = connections.get(subject.name)!;
        const samples = figures[subject.name].callMs;
        for (let i = 0; i < PLAN.callsPerRound; i++) samples.push(await timed(whoami, connection));
      }
    }

    perCall(figures, connections, cpu, PLAN.rounds * PLAN.callsPerRound, 'cpuMsPerCall');
    progress(`1 MiB result: ${PLAN.largeSamples} samples each`);
    cpu = cpuSnapshot(connections);
    for (let i = 0; i < PLAN.largeSamples; i++) {
      for (const subject of rotate(subjects, i)) {
        signal.throwIfAborted();
        const connection = connections.get(subject.name)!;
        figures[subject.name].largeMs.push(await timed(large, connection));
      }
      if (i + 1 === PLAN.largeBeforeMemory) {
        for (const [name, connection] of connections) {
          if (connection.pid) figures[name].afterLoadRssMiB = residentMiB(connection.pid);
        }
      }
    }

    perCall(figures, connections, cpu, PLAN.largeSamples, 'cpuMsPerLarge');
  } finally {
    await Promise.all([...connections.values()].map((c) => c.close().catch(() => undefined)));
    untrackAll.forEach((untrack) => untrack());
  }
  return figures;
}

function cpuSnapshot(connections: Map<SubjectName, Connection>): Map<SubjectName, number> {
  const snapshot = new Map<SubjectName, number>();
  for (const [name, c] of connections) if (c.pid) snapshot.set(name, cpuTimeMs(c.pid));
  return snapshot;
}

function perCall(
  figures: Figures,
  connections: Map<SubjectName, Connection>,
  before: Map<SubjectName, number>,
  calls: number,
  key: 'cpuMsPerCall' | 'cpuMsPerLarge',
): void {
  for (const [name, at] of before) {
    figures[name][key] = (cpuTimeMs(connections.get(name)!.pid!) - at) / calls;
  }
}

async function timed(
  call: (connection: Connection) => Promise<unknown>,
  connection: Connection,
): Promise<number> {
  const started = performance.now();
  await call(connection);
  return performance.now() - started;
}

export async function whoami(connection: Connection): Promise<string> {
  return textOf(connection, await connection.callTool('whoami', {}, PLAN.callTimeoutMs));
}

async function large(connection: Connection): Promise<void> {
  const text = textOf(
    connection,
    await connection.callTool('test_large', { bytes: PLAN.largeBytes }, PLAN.callTimeoutMs),
  );
  if (text.length !== PLAN.largeBytes) {
    throw new Error(`test_large returned ${text.length} bytes instead of ${PLAN.largeBytes}.`);
  }
}

/** A failed call must stop the bench: a fast error is not a fast call. */
function textOf(connection: Connection, result: ToolResult): string {
  const [first] = (result.content ?? []) as Array<{ type: string; text?: string }>;
  if (result.isError || first?.type !== 'text' || first.text === undefined) {
    throw new Error(
      `A tool call failed: ${JSON.stringify(result).slice(0, 300)} ${connection.stderrTail()}`,
    );
  }
  return first.text;
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const shift = by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}
