/**
 * Terminal keystroke echo: how long one typed character takes to come back through Vaporform's terminal
 * WebSocket (server → `docker exec` with a TTY → bash in the project container → back), against a bare
 * node-pty + ws echo server on the host measured with the same client code, in the same process and run.
 *
 *   npm run bench -- terminal     (needs Docker and `npm run images`; phase 2 needs the npm registry)
 *
 * A third target, a bare ws server on a plain `docker exec -it` into the same container (dockerode), shows
 * how much of the difference is Docker's own attach path rather than Vaporform's code.
 *
 * 1. Idle: sequential round trips (send one letter as a binary frame, wait for an output frame holding it),
 *    in interleaved rounds (baseline, docker, vaporform, baseline, …). Ctrl-U clears the line every few
 *    letters, so readline's buffer stays short; that round trip is not timed. Goal: vaporform p50 ≤ 1.5×
 *    baseline p50.
 * 2. Under load: a second Vaporform terminal in the same container runs `npm install` of a few packages
 *    (the container's own CPU quota, the server relaying npm's progress output), while the echo keeps being
 *    measured on every target in turn, in small blocks so all see the same machine. Goal: vaporform p99 ≤
 *    50 ms. The container's CFS throttling counters are printed for both phases.
 *
 * Knobs: BENCH_ECHO_SAMPLES (3000 per target in phase 1), BENCH_ECHO_ROUNDS (6), BENCH_INSTALL_SECONDS (180,
 * the longest phase 2 waits for npm), BENCH_INSTALL_PACKAGES ("lodash typescript eslint webpack prettier").
 */
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { ContainerInfo } from '@vaporform/contracts';
import Docker from 'dockerode';
import { spawn as spawnPty, type IPty } from 'node-pty';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import {
  containerPaths,
  projectResourceName,
} from '../apps/server/src/services/containers/containerRuntime.js';
import { containerUserSpec } from '../apps/server/src/services/containers/hardenedCreateOptions.js';
import { shellCommand } from '../apps/server/src/services/terminal/shellCommand.js';
import {
  closeHttpServer,
  envNumber,
  fmt,
  guard,
  listenLocal,
  machine,
  machineBusyMs,
  percentile,
  printTable,
  removeTempDir,
  round,
  sleep,
  tempDir,
  writeResult,
} from './lib/common.js';
import { issueApiToken, json, startVaporform } from './lib/vaporform.js';

guard('terminal', 9 * 60_000);
const samplesPerTarget = Math.round(envNumber('BENCH_ECHO_SAMPLES', 3000, 200, 20_000));
const rounds = Math.round(envNumber('BENCH_ECHO_ROUNDS', 6, 1, 20));
const installSeconds = envNumber('BENCH_INSTALL_SECONDS', 180, 10, 300);
// Typed into a shell: only names that look like npm package specs get through, never shell syntax.
const installPackages = (process.env.BENCH_INSTALL_PACKAGES ?? 'lodash typescript eslint webpack prettier')
  .split(/\s+/)
  .filter((name) => /^[@a-z0-9][\w@./-]*$/i.test(name));
/** Letters only: readline echoes each as itself, with no escape sequence around it. */
const letters = 'abcdefghijklmnopqrstuvwxyz';
/** Ctrl-U (unix-line-discard) after this many letters, so the line never wraps or grows. */
const lettersPerLine = 32;
/** A keystroke whose echo takes this long means the terminal is stuck, not slow: the run is invalid. */
const echoTimeoutMs = 10_000;
/** Phase 2 takes the targets in turn in blocks this long (letters), so all of them see the same load. */
const loadBlock = 50;
const size = { cols: 200, rows: 50 };

/**
 * One terminal socket as the benchmark drives it: the same code for the baseline and for Vaporform, so the
 * client's own cost is identical on both sides.
 */
class EchoClient {
  #tail = '';
  #chunks = 0;
  #lastOutputAt = performance.now();
  #waiter: { letter: string; resolve: (at: number) => void } | null = null;
  #typed = 0;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: RawData, isBinary: boolean) => {
      if (!isBinary) return; // {type:'ready'} and friends: readiness is checked on the output itself.
      // Taken first: the time the output reached this process's event loop is what a browser would see.
      const at = performance.now();
      const text = Buffer.isBuffer(data)
        ? data.toString('utf8')
        : Buffer.from(data as ArrayBuffer).toString();
      this.#chunks++;
      this.#lastOutputAt = at;
      this.#tail = (this.#tail + text).slice(-8192);
      const waiter = this.#waiter;
      if (waiter && text.includes(waiter.letter)) {
        this.#waiter = null;
        waiter.resolve(at);
      }
    });
  }

  static async open(url: string, headers: Record<string, string>): Promise<EchoClient> {
    // No compression offered: a browser would offer it, but neither server takes it, and this keeps the two
    // handshakes identical.
    const socket = new WebSocket(url, { headers, perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
      socket.once('unexpected-response', (_request, response) =>
        reject(new Error(`${url}: handshake refused with ${response.statusCode}`)),
      );
    });
    const client = new EchoClient(socket);
    // The shell is ready when it runs a command; the arithmetic keeps the typed line from matching.
    client.type('echo vf-ready-$((40+2))\r');
    await client.waitFor(/vf-ready-42/);
    await client.quiet(200);
    return client;
  }

  get output(): string {
    return this.#tail;
  }

  type(text: string): void {
    this.socket.send(Buffer.from(text), { binary: true });
  }

  /** One round trip in ms: a letter out, until an output frame carrying it arrives. */
  async echo(): Promise<number> {
    if (this.#typed > 0 && this.#typed % lettersPerLine === 0) await this.#clearLine();
    const letter = letters[this.#typed % letters.length] ?? 'a';
    this.#typed++;
    let timer: NodeJS.Timeout | undefined;
    const echoed = new Promise<number>((resolve, reject) => {
      this.#waiter = { letter, resolve };
      timer = setTimeout(() => {
        this.#waiter = null;
        reject(new Error(`no echo of ${JSON.stringify(letter)} within ${echoTimeoutMs} ms`));
      }, echoTimeoutMs);
    });
    const started = performance.now();
    this.socket.send(Buffer.from(letter), { binary: true });
    try {
      return (await echoed) - started;
    } finally {
      clearTimeout(timer);
    }
  }

  async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(this.#tail);
      if (match) return match;
      if (Date.now() > deadline) {
        throw new Error(
          `no ${String(pattern)} in terminal output: ${JSON.stringify(this.#tail.slice(-500))}`,
        );
      }
      await sleep(20);
    }
  }

  /** Until no output has come for `ms` (at most 5 s), so a redraw cannot be taken for the next echo. */
  async quiet(ms: number): Promise<void> {
    const deadline = performance.now() + 5_000;
    while (performance.now() - this.#lastOutputAt < ms && performance.now() < deadline) await sleep(5);
  }

  async #clearLine(): Promise<void> {
    const before = this.#chunks;
    this.type('\x15');
    const deadline = performance.now() + echoTimeoutMs;
    while (this.#chunks === before && performance.now() < deadline) await sleep(1);
    await this.quiet(15);
  }

  close(): void {
    this.socket.terminate();
  }
}

/** Where a bare terminal server's shell runs: bytes in, bytes out. */
interface Shell {
  write(data: Buffer): void;
  onData(listener: (chunk: Buffer) => void): void;
  onExit(listener: () => void): void;
  kill(): void;
}

/** bash in a PTY on the host: node-pty, the same shell command as Vaporform's. */
function hostPtyShell(cwd: string): Shell {
  const [file = '/bin/sh', ...args] = shellCommand;
  const pty: IPty = spawnPty(file, args, {
    name: 'xterm-256color',
    ...size,
    cwd,
    env: { ...process.env, TERM: 'xterm-256color' },
  });
  return {
    write: (data) => pty.write(data),
    onData: (listener) => void pty.onData((data) => listener(Buffer.from(data, 'utf8'))),
    onExit: (listener) => void pty.onExit(() => listener()),
    kill: () => pty.kill('SIGKILL'),
  };
}

/**
 * bash in the project's container through a plain `docker exec` with a TTY (dockerode, hijacked stream), as
 * the container user in /workspace: what any Docker-based terminal pays, without Vaporform's code around it.
 */
async function dockerExecShell(docker: Docker, container: string): Promise<Shell> {
  const exec = await docker.getContainer(container).exec({
    Cmd: shellCommand,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: true,
    User: containerUserSpec,
    WorkingDir: containerPaths.workspace,
    Env: ['TERM=xterm-256color'],
  });
  const stream = await exec.start({ hijack: true, stdin: true, Tty: true });
  await exec.resize({ w: size.cols, h: size.rows });
  stream.on('error', () => undefined);
  return {
    write: (data) => void stream.write(data),
    onData: (listener) => void stream.on('data', listener),
    onExit: (listener) => void stream.once('close', listener),
    // Closing the attach stream hangs the terminal up; the container goes with the project anyway.
    kill: () => stream.destroy(),
  };
}

/**
 * A bare terminal server, the least one can do: WebSocket binary frames to the shell, the shell's output to
 * binary frames. With `hostPtyShell` it is the baseline; with `dockerExecShell` the Docker reference.
 */
async function startBareTerminalServer(
  open: () => Shell | Promise<Shell>,
): Promise<{ url: string; close: () => Promise<void> }> {
  const shells = new Set<Shell>();
  const server = http.createServer((_request, response) => response.writeHead(404).end());
  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket) => {
    // Keystrokes sent while the shell starts wait in the socket instead of being lost (as Vaporform does).
    socket.pause();
    void Promise.resolve()
      .then(open)
      .then(
        (shell) => {
          shells.add(shell);
          shell.onData((chunk) => socket.send(chunk, { binary: true }));
          shell.onExit(() => {
            shells.delete(shell);
            socket.close();
          });
          socket.on('message', (data: Buffer, isBinary: boolean) => {
            if (isBinary) shell.write(data);
          });
          socket.on('close', () => shell.kill());
          socket.resume();
        },
        (error: unknown) => {
          console.error('terminal: a bare shell did not start', error);
          socket.close(1011, 'the shell did not start');
        },
      );
  });
  const port = await listenLocal(server);
  return {
    url: `ws://127.0.0.1:${port}/`,
    close: async () => {
      for (const shell of shells) shell.kill();
      for (const client of wss.clients) client.terminate();
      wss.close();
      await closeHttpServer(server);
    },
  };
}

interface Stats {
  samples: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

function stats(values: readonly number[]): Stats {
  return {
    samples: values.length,
    p50: round(percentile(values, 50), 3),
    p90: round(percentile(values, 90), 3),
    p99: round(percentile(values, 99), 3),
    max: round(Math.max(...values), 3),
  };
}

function statsCells(row: Stats): (string | number)[] {
  return [row.samples, fmt(row.p50, 3), fmt(row.p90, 3), fmt(row.p99, 3), fmt(row.max, 1)];
}

/** CPU of this process (servers and client) and of the whole machine over a phase; 100 = one core. */
function cpuMeter(): () => { processPercent: number; machinePercent: number } {
  const machineBefore = machineBusyMs();
  const processBefore = process.cpuUsage();
  const wallBefore = performance.now();
  return () => {
    const wallMs = performance.now() - wallBefore;
    const used = process.cpuUsage(processBefore);
    return {
      processPercent: round(((used.user + used.system) / 1000 / wallMs) * 100, 0),
      machinePercent: round(((machineBusyMs() - machineBefore) / wallMs) * 100, 0),
    };
  };
}

/**
 * How often the container's CPU quota (CFS) stopped it during a phase. Docker turns `cpus: 0.5` into 50 ms
 * per 100 ms period: once npm has used that, every process in the container, the shell that echoes
 * included, waits for the next period.
 */
async function throttleMeter(
  docker: Docker,
  container: string,
): Promise<() => Promise<{ periods: number; throttledPeriods: number; throttledMs: number }>> {
  const read = async () =>
    (await docker.getContainer(container).stats({ stream: false })).cpu_stats.throttling_data;
  const before = await read();
  return async () => {
    const after = await read();
    return {
      periods: after.periods - before.periods,
      throttledPeriods: after.throttled_periods - before.throttled_periods,
      throttledMs: round((after.throttled_time - before.throttled_time) / 1e6, 0),
    };
  };
}

const names = ['baseline', 'docker', 'vaporform'] as const;
type Name = (typeof names)[number];
const labels: Record<Name, string> = {
  baseline: 'baseline (host node-pty)',
  docker: 'bare docker exec',
  vaporform: 'vaporform',
};

async function main(): Promise<void> {
  const dataDir = tempDir('vaporform-bench-terminal-');
  const bareHome = path.join(dataDir, 'bare');
  mkdirSync(bareHome);
  process.env.VAPORFORM_RUNTIME = 'docker';
  const vaporform = await startVaporform(dataDir);
  const servers: { close: () => Promise<void> }[] = [];
  const { base } = vaporform;
  const clients: EchoClient[] = [];
  let projectId: string | undefined;
  let token = '';
  let deleted = false;
  // A signal or the watchdog exits without running `finally`: the container and network must not outlive us.
  const removeContainer = () => {
    if (projectId === undefined || deleted) return;
    spawnSync('docker', ['rm', '-f', projectResourceName(projectId)], { stdio: 'ignore' });
    spawnSync('docker', ['network', 'rm', projectResourceName(projectId)], { stdio: 'ignore' });
  };
  process.once('exit', removeContainer);
  try {
    const baseline = await startBareTerminalServer(() => hostPtyShell(bareHome));
    servers.push(baseline);
    token = await issueApiToken(base);
    const headers = { authorization: `Bearer ${token}` };
    const created = (await json(
      await fetch(`${base}/api/projects`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'bench terminal', templateId: 'node-express' }),
      }),
    )) as { id: string };
    projectId = created.id;
    console.log('terminal: starting the node-express project (its first start runs npm install)');
    const startedAt = performance.now();
    let info: ContainerInfo | undefined;
    for (let attempt = 0; attempt < 20 && info?.status !== 'running'; attempt++) {
      info = (await json(
        await fetch(`${base}/api/projects/${projectId}/container/start?wait=true`, {
          method: 'POST',
          headers,
        }),
      )) as ContainerInfo;
      if (info.status === 'crashed') throw new Error(`the project crashed: ${JSON.stringify(info)}`);
    }
    if (info?.status !== 'running') throw new Error(`the project is not running: ${JSON.stringify(info)}`);
    console.log(`terminal: running after ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
    const containerName = projectResourceName(projectId);
    const docker = new Docker({ socketPath: '/var/run/docker.sock' });
    const dockerBare = await startBareTerminalServer(() => dockerExecShell(docker, containerName));
    servers.push(dockerBare);

    const wsBase = base.replace('http://', 'ws://');
    // The IDE's origin: the server accepts a terminal socket from no other page.
    const openVaporform = (terminalId: string) =>
      EchoClient.open(
        `${wsBase}/api/projects/${projectId}/terminals/${terminalId}?cols=${size.cols}&rows=${size.rows}`,
        { ...headers, origin: base },
      );
    const targets: Record<Name, EchoClient> = {
      baseline: await EchoClient.open(baseline.url, {}),
      docker: await EchoClient.open(dockerBare.url, {}),
      vaporform: await openVaporform('echo'),
    };
    clients.push(...Object.values(targets));

    // ── Phase 1: idle ──────────────────────────────────────────────────────────────────────────────────
    for (const name of names) for (let i = 0; i < 100; i++) await targets[name].echo(); // warm-up
    const idle: Record<Name, number[]> = { baseline: [], docker: [], vaporform: [] };
    const perRound = Math.ceil(samplesPerTarget / rounds);
    console.log(`terminal: phase 1 (idle), ${rounds} rounds × ${perRound} round trips per target`);
    const idleCpu = cpuMeter();
    const idleThrottle = await throttleMeter(docker, containerName);
    for (let roundIndex = 1; roundIndex <= rounds; roundIndex++) {
      const line: string[] = [];
      for (const name of names) {
        const times: number[] = [];
        for (let i = 0; i < perRound; i++) times.push(await targets[name].echo());
        idle[name].push(...times);
        line.push(`${name} p50 ${fmt(percentile(times, 50), 3)} p99 ${fmt(percentile(times, 99), 3)}`);
      }
      console.log(`  round ${roundIndex}  ${line.join('   ')} ms`);
    }
    const idleCpuUse = idleCpu();
    const idleThrottling = await idleThrottle();

    // ── Phase 2: npm install in a second terminal of the same container ───────────────────────────────
    const installer = await openVaporform('install');
    clients.push(installer);
    // A fresh package of its own, so the template's files are left alone and every run installs the same.
    const dir = `${containerPaths.workspace}/bench-install`;
    // The marker is quoted in the typed line, so only the command's own output matches the pattern.
    installer.type(
      `mkdir -p ${dir} && cd ${dir} && echo '{"name":"bench-install","private":true}' > package.json && ` +
        `npm install --no-audit --no-fund ${installPackages.join(' ')}; echo VF_INSTALL_"DONE"=$?\r`,
    );
    console.log(`terminal: phase 2, echo while \`npm install ${installPackages.join(' ')}\` runs`);
    const loaded: Record<Name, number[]> = { baseline: [], docker: [], vaporform: [] };
    const loadCpu = cpuMeter();
    const loadThrottle = await throttleMeter(docker, containerName);
    const installStarted = performance.now();
    const done = () => /VF_INSTALL_DONE=(\d+)/.exec(installer.output);
    let lastReport = installStarted;
    while (!done() && performance.now() - installStarted < installSeconds * 1000) {
      for (const name of names)
        for (let i = 0; i < loadBlock; i++) loaded[name].push(await targets[name].echo());
      if (performance.now() - lastReport > 10_000) {
        lastReport = performance.now();
        console.log(
          `  ${((lastReport - installStarted) / 1000).toFixed(0)} s: p99 so far ` +
            names.map((name) => `${name} ${fmt(percentile(loaded[name], 99), 1)}`).join(', ') +
            ' ms',
        );
      }
    }
    const installMs = performance.now() - installStarted;
    const loadCpuUse = loadCpu();
    const loadThrottling = await loadThrottle();
    const finished = done();
    const installExit = finished ? Number(finished[1]) : null;
    if (!finished) installer.type('\x03'); // Past the time limit: stop npm, keep what was measured.

    // ── Results ────────────────────────────────────────────────────────────────────────────────────────
    const idleStats = Object.fromEntries(names.map((name) => [name, stats(idle[name])])) as Record<
      Name,
      Stats
    >;
    const loadStats = Object.fromEntries(names.map((name) => [name, stats(loaded[name])])) as Record<
      Name,
      Stats
    >;
    const ratio = (name: Name, key: 'p50' | 'p99') => idleStats[name][key] / idleStats.baseline[key];
    const p50Ratio = ratio('vaporform', 'p50');
    const installP99 = loadStats.vaporform.p99;
    const goals: Record<Name, [string, string]> = {
      baseline: ['', ''],
      docker: ['reference', 'reference'],
      vaporform: [
        `p50 ≤ 1.5× baseline: ${p50Ratio <= 1.5 ? 'met' : 'MISSED'}`,
        `p99 ≤ 50 ms: ${installP99 <= 50 ? 'met' : 'MISSED'}`,
      ],
    };
    console.log('\nterminal: keystroke echo round trip (ms)');
    printTable([
      ['phase', 'target', 'samples', 'p50', 'p90', 'p99', 'max', 'p50 ratio', 'p99 ratio', 'goal'],
      ...names.map((name) => [
        'idle',
        labels[name],
        ...statsCells(idleStats[name]),
        fmt(ratio(name, 'p50')),
        fmt(ratio(name, 'p99')),
        goals[name][0],
      ]),
      ...names.map((name) => [
        'npm install',
        labels[name],
        ...statsCells(loadStats[name]),
        fmt(loadStats[name].p50 / loadStats.baseline.p50),
        fmt(loadStats[name].p99 / loadStats.baseline.p99),
        goals[name][1],
      ]),
    ]);
    console.log(
      `  cpu (100 = one core): idle phase this process ${idleCpuUse.processPercent}%, machine ` +
        `${idleCpuUse.machinePercent}%; install phase this process ${loadCpuUse.processPercent}%, machine ` +
        `${loadCpuUse.machinePercent}%`,
    );
    console.log(
      `  npm install: ${finished ? `exit ${installExit}` : 'stopped at the time limit'} after ` +
        `${(installMs / 1000).toFixed(1)} s; the container has ${info.resources.cpus} CPU and ` +
        `${Math.round(info.resources.memoryBytes / 2 ** 20)} MiB, its shells share them with npm`,
    );
    const throttled = (t: { periods: number; throttledPeriods: number; throttledMs: number }) =>
      `${t.throttledPeriods} of ${t.periods} periods, ${t.throttledMs} ms in all`;
    console.log(
      `  container CPU quota throttled it: idle phase ${throttled(idleThrottling)}; install phase ` +
        throttled(loadThrottling),
    );
    console.log(
      '  notes: one letter per round trip, each waiting for its echo; client and servers in this process.',
    );
    console.log(
      '         "bare docker exec" is a ws server on a plain `docker exec -it` in the same container: the',
    );
    console.log('         part of the cost that any Docker-based terminal pays.');
    if (loaded.vaporform.length < 200) {
      console.log('  !! the install ended after few samples: the loaded figures say little');
    }
    if (installExit !== null && installExit !== 0) {
      // Not a number being off: phase 2 did not measure what it claims, so the run is invalid.
      console.log(`  !! npm install failed (exit ${installExit}): phase 2 did not measure a full install`);
      console.log(`     ${JSON.stringify(installer.output.slice(-600))}`);
      process.exitCode = 1;
    }
    const file = writeResult('terminal', {
      machine: machine(),
      settings: { samplesPerTarget, rounds, lettersPerLine, loadBlock, installSeconds, installPackages },
      idle: {
        ...idleStats,
        ratioP50: round(p50Ratio, 3),
        ratioP99: round(ratio('vaporform', 'p99'), 3),
        dockerRatioP50: round(ratio('docker', 'p50'), 3),
        cpu: idleCpuUse,
        throttling: idleThrottling,
      },
      install: {
        ...loadStats,
        exitCode: installExit,
        seconds: round(installMs / 1000, 1),
        cpu: loadCpuUse,
        throttling: loadThrottling,
        container: info.resources,
      },
      goals: { idleP50Ratio: 1.5, installP99Ms: 50 },
    });
    console.log(`terminal: results in ${file}`);
  } finally {
    for (const client of clients) client.close();
    for (const server of servers) await server.close();
    if (projectId !== undefined) {
      // Deleting the project removes its container and network and ends its terminals.
      const response = await fetch(`${base}/api/projects/${projectId}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${token}` },
      }).catch(() => null);
      deleted = response?.ok === true;
    }
    await vaporform.server.close();
    removeContainer();
    removeTempDir(dataDir);
  }
}

await main();
