import { readFileSync } from 'node:fs';

/** Resident memory of a process in MiB, from /proc/<pid>/status (VmRSS), or NaN once it is gone. */
export function residentMiB(pid: number): number {
  const kib = /^VmRSS:\s*(\d+)\s*kB$/m.exec(read(`/proc/${pid}/status`))?.[1];
  return kib ? Number(kib) / 1024 : Number.NaN;
}

// Linux reports CPU time in clock ticks of 1/100 s on every architecture Node runs on.
const TICK_MS = 10;

/**
 * CPU time (user + system, all threads) a process has used so far, in ms, to 10 ms. Unlike wall
 * time it hardly moves when other work shares the cores, so it shows what a process itself costs.
 */
export function cpuTimeMs(pid: number): number {
  const stat = read(`/proc/${pid}/stat`);
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return Number.isFinite(utime + stime) ? (utime + stime) * TICK_MS : Number.NaN;
}

function read(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
