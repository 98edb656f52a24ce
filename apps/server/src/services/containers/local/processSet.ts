import { spawn, type ChildProcessByStdio } from 'node:child_process';
import os from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import type { ContainerStats } from '../containerRuntime.js';
import { listProcesses, residentBytes, sendSignal, ticksPerSecond, type ProcessEntry } from './procfs.js';

export type LocalChildProcess = ChildProcessByStdio<Writable, Readable, Readable>;

/** A process the driver spawned: the leader of a process group of its own. */
export interface LocalChild {
  readonly process: LocalChildProcess;
  /** Exit code in shell convention: 128 + the signal's number when killed, 127/126 when it never started. */
  readonly exit: Promise<number>;
  /** Exit plus both output pipes closed: all its output has been read. */
  readonly closed: Promise<number>;
  /** Why it could not start (command not found, not executable); null when it did. */
  readonly failure: () => NodeJS.ErrnoException | null;
}

const killDeadlineMs = 5_000;
const pollMs = 50;

/**
 * Every process of one local "container". Each carries `<prefix><marker>` in the marker variable, which it
 * hands down to everything it starts: that finds the children that left the process group (`setsid`) or
 * outlived their leader. Process groups of live leaders are signalled too, for children that wiped their
 * environment. A pid is only signalled while its leader is unreaped or its marker matches, so a pid the
 * kernel reuses for an unrelated process is never hit.
 */
export class ProcessSet {
  /** Live group leaders (pid → marker), including terminals, which are not child processes of ours. */
  readonly #leaders = new Map<number, string>();
  #previousCpu: { at: number; ticks: Map<string, number> } | null = null;

  constructor(readonly prefix: string) {}

  markerValue(marker: string): string {
    return `${this.prefix}${marker}`;
  }

  /** Tracks a group leader started elsewhere (a terminal); call the returned function once it has exited. */
  adopt(pid: number, marker: string): () => void {
    this.#leaders.set(pid, marker);
    return () => this.#leaders.delete(pid);
  }

  /** Starts `argv` in a new session (so in a process group of its own) with exactly `env`. */
  spawn(argv: string[], options: { cwd: string; env: Record<string, string>; marker: string }): LocalChild {
    const [file, ...args] = argv;
    if (file === undefined) throw new RangeError('empty command');
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let failure: NodeJS.ErrnoException | null = null;
    // After a failed spawn Node emits `error` and `close`, never `exit`.
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (child.pid === undefined) failure = error;
    });
    const exitCode = (code: number | null, signal: NodeJS.Signals | null): number => {
      if (failure) return failure.code === 'ENOENT' ? 127 : 126;
      return code ?? 128 + (signal === null ? 0 : os.constants.signals[signal]);
    };
    const pid = child.pid;
    const release = pid === undefined ? () => false : this.adopt(pid, options.marker);
    const exit = new Promise<number>((resolve) => {
      child.once('exit', (code, signal) => resolve(exitCode(code, signal)));
      child.once('close', (code: number | null, signal: NodeJS.Signals | null) =>
        resolve(exitCode(code, signal)),
      );
    });
    void exit.then(release);
    const closed = new Promise<number>((resolve) => {
      child.once('close', () => void exit.then(resolve));
    });
    return { process: child, exit, closed, failure: () => failure };
  }

  /** Whether this set has live leaders; processes that outlived theirs are only found by `members`. */
  get hasLeaders(): boolean {
    return this.#leaders.size > 0;
  }

  /** Processes carrying `marker` (default: any marker of this set) or in the group of a matching leader. */
  async members(marker?: string): Promise<ProcessEntry[]> {
    const groups = this.#groups(marker);
    const entries = await listProcesses();
    return entries.filter((entry) =>
      entry.marker === null
        ? groups.has(entry.group)
        : marker === undefined
          ? entry.marker.startsWith(this.prefix) || groups.has(entry.group)
          : entry.marker === this.markerValue(marker) || groups.has(entry.group),
    );
  }

  #groups(marker: string | undefined): Set<number> {
    const wanted = marker === undefined ? null : this.markerValue(marker);
    const groups = new Set<number>();
    for (const [pid, value] of this.#leaders) if (wanted === null || value === wanted) groups.add(pid);
    return groups;
  }

  async #signal(signal: NodeJS.Signals, marker?: string): Promise<number> {
    for (const group of this.#groups(marker)) sendSignal(-group, signal);
    const members = await this.members(marker);
    for (const member of members) sendSignal(member.pid, signal);
    return members.length + this.#groups(marker).size;
  }

  /**
   * SIGKILL to the processes of `marker` (default: all of them), in rounds until none is left (a fork bomb
   * keeps spawning between two scans); bounded. Resolves once their leaders have been reaped.
   */
  async kill(marker?: string): Promise<void> {
    const deadline = Date.now() + killDeadlineMs;
    while ((await this.#signal('SIGKILL', marker)) > 0 && Date.now() < deadline) await delay(pollMs);
  }

  /** SIGTERM to all, then SIGKILL to what is left after `graceMs`. Returns whether SIGKILL was sent. */
  async terminate(graceMs: number): Promise<boolean> {
    if (graceMs <= 0) {
      await this.kill();
      return true;
    }
    if ((await this.#signal('SIGTERM')) === 0) return false;
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline) {
      await delay(Math.min(pollMs, Math.max(0, deadline - Date.now())));
      if (!this.hasLeaders && (await this.members()).length === 0) return false;
    }
    await this.kill();
    return true;
  }

  /** One stats sample over every member; CPU is measured since the previous sample (0 on the first). */
  async sample(memoryLimitBytes: number): Promise<ContainerStats> {
    const members = await this.members();
    const now = performance.now();
    const ticks = new Map(members.map((entry) => [`${entry.pid}:${entry.startTicks}`, entry.cpuTicks]));
    let cpuPercent = 0;
    const previous = this.#previousCpu;
    if (previous !== null && now > previous.at) {
      let used = 0;
      // A process that started since the previous sample spent all its ticks within the interval.
      for (const [key, value] of ticks) used += value - (previous.ticks.get(key) ?? 0);
      cpuPercent = Math.max(0, (used / ticksPerSecond / ((now - previous.at) / 1000)) * 100);
    }
    this.#previousCpu = { at: now, ticks };
    const memory = await Promise.all(members.map((entry) => residentBytes(entry.pid)));
    return {
      at: new Date().toISOString(),
      cpuPercent: Math.round(cpuPercent * 100) / 100,
      memoryBytes: memory.reduce((sum, bytes) => sum + bytes, 0),
      memoryLimitBytes,
      networkRxBytes: 0,
      networkTxBytes: 0,
      pids: members.reduce((sum, entry) => sum + entry.threads, 0),
    };
  }
}
