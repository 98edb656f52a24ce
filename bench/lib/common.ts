import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (bench/lib/ is two levels below it). */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const resultsDir = path.join(repoRoot, 'bench', 'results');

// ---------------------------------------------------------------------------------------------------------
// Numbers

export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Nearest-rank percentile of `values` (which need not be sorted); `p` in [0, 100]. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? Number.NaN) + upper) / 2;
}

/** A number for a table or a log line; `n/a` for a missing or NaN value. */
export const fmt = (value: number | null | undefined, digits = 2): string =>
  value === null || value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(digits);

export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** Reads a positive number from the environment, clamped to [min, max], so a typo cannot make a run unbounded. */
export function envNumber(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const parsed = Number(raw);
  if (!Number.isFinite(parsed)) throw new Error(`${name} must be a number (got ${JSON.stringify(raw)})`);
  return Math.min(max, Math.max(min, parsed));
}

// ---------------------------------------------------------------------------------------------------------
// Output

/** Prints rows as an aligned text table; the first row is the header. Numbers are right-aligned. */
export function printTable(rows: ReadonlyArray<ReadonlyArray<string | number>>): void {
  const cells = rows.map((row) => row.map((cell) => String(cell)));
  const widths: number[] = [];
  for (const row of cells)
    row.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, cell.length)));
  const line = (row: string[], numeric: boolean[]) =>
    row
      .map((cell, index) =>
        numeric[index] ? cell.padStart(widths[index] ?? 0) : cell.padEnd(widths[index] ?? 0),
      )
      .join('  ');
  cells.forEach((row, rowIndex) => {
    const numeric = (rows[rowIndex] ?? []).map((cell) => typeof cell === 'number');
    console.log(`  ${line(row, numeric).trimEnd()}`);
    if (rowIndex === 0) console.log(`  ${widths.map((width) => '-'.repeat(width)).join('  ')}`);
  });
}

export function machine() {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    loadAverage: os.loadavg().map((value) => round(value, 2)),
  };
}

/** CPU time (ms) the whole machine has spent busy since boot, summed over all cores. */
export function machineBusyMs(): number {
  return os
    .cpus()
    .reduce((sum, cpu) => sum + cpu.times.user + cpu.times.nice + cpu.times.sys + cpu.times.irq, 0);
}

export function writeResult(name: string, result: unknown): string {
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return path.relative(repoRoot, file);
}

// ---------------------------------------------------------------------------------------------------------
// Bounded runs and child cleanup

const children = new Set<ChildProcess>();

/** Tracks a child so that it is killed whenever this process goes down, however it goes down. */
export function track<T extends ChildProcess>(child: T): T {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Kills a tracked child (and its process group when it was spawned detached). Synchronous: safe in 'exit'. */
export function killHard(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

const tempDirs = new Set<string>();

/** A new directory under the OS temp dir, removed when this process exits (also on a signal or an error). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

/** Removes a directory made by tempDir() now. */
export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

function killAllChildren(): void {
  for (const child of children) killHard(child);
}

function cleanUp(): void {
  killAllChildren();
  for (const dir of tempDirs) {
    try {
      removeTempDir(dir);
    } catch {
      // best effort: it is under the OS temp dir
    }
  }
}

let guarded = false;

/**
 * Makes the benchmark stop by itself: a watchdog ends it after `limitMs` whatever happens, and every tracked
 * child is killed on exit, on Ctrl-C / SIGTERM, and on an uncaught error.
 */
export function guard(name: string, limitMs: number): void {
  if (guarded) return;
  guarded = true;
  process.on('exit', cleanUp);
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    // `on`, not `once`: a second signal (Ctrl-C reaches both bench/run.mjs and us) must not kill this process
    // with the default action before its children are gone.
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      console.error(`\n${name}: ${signal} received, stopping`);
      killAllChildren();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
  process.on('uncaughtException', (error) => {
    console.error(`${name}: uncaught error`, error);
    killAllChildren();
    process.exit(1);
  });
  const watchdog = setTimeout(() => {
    console.error(`${name}: still running after ${Math.round(limitMs / 1000)} s, giving up`);
    killAllChildren();
    process.exit(2);
  }, limitMs);
  watchdog.unref();
}

// ---------------------------------------------------------------------------------------------------------
// Network (127.0.0.1 only)

export const host = '127.0.0.1';

/** Starts listening on 127.0.0.1 on a port chosen by the OS; resolves with that port. */
export function listenLocal(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      resolve(portOf(server));
    });
  });
}

/** The port a listening server is bound to. */
export function portOf(server: net.Server): number {
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('the server is not listening');
  return address.port;
}

/** Closes an http server, dropping its keep-alive connections; resolves once it is closed. */
export function closeHttpServer(server: http.Server | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!server?.listening) return resolve();
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('could not get a free port'))));
    });
  });
}

/** One GET on a fresh connection; resolves with the status code, rejects on any connection error. */
export function getStatus(port: number, pathName: string, timeoutMs = 1000): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host, port, path: pathName, agent: false, timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.once('timeout', () => request.destroy(new Error('timeout')));
    request.once('error', reject);
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
