import { readdir, readFile } from 'node:fs/promises';
import { execMarkerVariable } from '../containerRuntime.js';

/** One process as /proc shows it (Linux only: elsewhere the list is empty). */
export interface ProcessEntry {
  pid: number;
  /** Process group: a command and what it starts share the group of the process the driver spawned. */
  group: number;
  /** User plus system time, in clock ticks. */
  cpuTicks: number;
  /** Start time after boot in clock ticks: with the pid it tells a process from a later one reusing the pid. */
  startTicks: number;
  threads: number;
  /** The marker variable's value in the environment it was started with; null when unreadable or unset. */
  marker: string | null;
}

/**
 * USER_HZ, the unit of the tick counts in /proc/<pid>/stat: 100 on every architecture Linux runs Node on
 * (it is part of the kernel ABI, independent of the kernel's internal HZ).
 */
export const ticksPerSecond = 100;

const markerPrefix = `${execMarkerVariable}=`;

/** Every live process the server may read, zombies left out (they are dead, only not yet reaped). */
export async function listProcesses(): Promise<ProcessEntry[]> {
  let names: string[];
  try {
    names = await readdir('/proc');
  } catch {
    return [];
  }
  const entries = await Promise.all(
    names.filter((name) => /^\d+$/.test(name)).map((name) => readEntry(Number(name))),
  );
  return entries.filter((entry): entry is ProcessEntry => entry !== null);
}

async function readEntry(pid: number): Promise<ProcessEntry | null> {
  let stat: string;
  try {
    stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null; // exited while we were listing
  }
  // The command name (field 2) may hold spaces and parentheses: count fields from the last `)`.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const field = (number: number) => Number(fields[number - 3]);
  if (fields[0] === 'Z' || fields[0] === 'X') return null;
  return {
    pid,
    group: field(5),
    cpuTicks: field(14) + field(15),
    startTicks: field(22),
    threads: field(20),
    marker: await readMarker(pid),
  };
}

async function readMarker(pid: number): Promise<string | null> {
  try {
    // Another user's processes are unreadable (EACCES): they are not ours anyway.
    const environment = await readFile(`/proc/${pid}/environ`, 'utf8');
    const entry = environment.split('\0').find((variable) => variable.startsWith(markerPrefix));
    return entry === undefined ? null : entry.slice(markerPrefix.length);
  } catch {
    return null;
  }
}

/** Resident memory in bytes; 0 when the process is gone. */
export async function residentBytes(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kibibytes = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1];
    return kibibytes === undefined ? 0 : Number(kibibytes) * 1024;
  } catch {
    return 0;
  }
}

/** Best effort: the target may have exited already (ESRCH). Negative pids address a process group. */
export function sendSignal(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}
