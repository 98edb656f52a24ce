/**
 * The agent's own cost, with the model's time taken out: fake model servers answer at once (or at a fixed
 * pace), the real Anthropic SDK talks to them on both sides, and everything runs in this one process.
 *
 *   npm run bench -- agent       (no Docker: the tool reads a file, no container is started)
 *
 * 1. Turn overhead. A scripted turn on a node-express project: the model asks for `read_file` of a small file,
 *    then answers with text — two model calls. Timed from `POST /api/projects/:id/chat` until the turn's
 *    `status` event reaches a client of the project socket (`/api/ws`). Baseline, interleaved turn by turn:
 *    the irreducible work — the same two streaming calls through the SDK against the same fake (the request
 *    bodies the server sent, replayed), and the same file read with fs. Goal: vaporform − baseline ≤ 10 ms
 *    at p50.
 * 2. Token → browser delay. A second fake streams a text reply in N deltas, `intervalMs` apart, whose text
 *    is the moment it was written (`t=<performance.now()>;`). A project-socket client computes receive − send
 *    for every delta of a Vaporform turn; the baseline is the same computation where a bare SDK stream reader
 *    in this process gets each delta. Rounds alternate. Goal: vaporform p50 ≤ baseline p50 + 5 ms (the
 *    difference is what Vaporform adds).
 *
 * Vaporform runs in-process (PGlite on a temporary data directory) and is restarted between the parts on the
 * same data directory, pointed at the part's fake (`ANTHROPIC_BASE_URL`). Never fails on a number; exits 1
 * when it could not measure (a turn failed, an event or a stamp went missing).
 *
 * Knobs: BENCH_AGENT_TURNS (200 measured turns per target), BENCH_AGENT_WARMUP (20),
 * BENCH_TOKEN_ROUNDS (10), BENCH_TOKEN_CHUNKS (200 deltas per reply), BENCH_TOKEN_INTERVAL_MS (5).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { WebSocket, type RawData } from 'ws';
import { FakeAnthropicServer, reply, text, toolUse } from '../tests/fakes/anthropicMessagesServer.js';
import {
  envNumber,
  fmt,
  guard,
  machine,
  machineBusyMs,
  percentile,
  printTable,
  removeTempDir,
  round,
  tempDir,
  writeResult,
} from './lib/common.js';
import { stampsIn, startStampedModelServer } from './lib/stampedModelServer.js';
import {
  createProject,
  issueApiToken,
  json,
  startVaporform,
  type RunningVaporform,
} from './lib/vaporform.js';

guard('agent', 4 * 60_000);
const turns = Math.round(envNumber('BENCH_AGENT_TURNS', 200, 20, 2000));
const warmupTurns = Math.round(envNumber('BENCH_AGENT_WARMUP', 20, 2, 200));
const tokenRounds = Math.round(envNumber('BENCH_TOKEN_ROUNDS', 10, 2, 50));
const tokenChunks = Math.round(envNumber('BENCH_TOKEN_CHUNKS', 200, 20, 2000));
const tokenIntervalMs = envNumber('BENCH_TOKEN_INTERVAL_MS', 5, 1, 50);
/** A turn that takes this long is stuck, not slow: the run is invalid. */
const turnTimeoutMs = 15_000;
const apiKey = 'sk-bench-key';
/** The small file the scripted tool call reads (40 lines, ~1.6 KiB). */
const benchFile = 'bench.txt';
const benchText = Array.from(
  { length: 40 },
  (_, i) => `line ${String(i + 1).padStart(2, '0')}: the agent benchmark reads this file`,
).join('\n');
const goals = { overheadP50Ms: 10, tokenDelayP50Ms: 5 };

// ---------------------------------------------------------------------------------------------------------
// The project socket, as the chat panel uses it

interface TurnState {
  events: number;
  /** A seq that did not follow the one before (events must arrive in order, none missing). */
  gaps: number;
  lastSeq: number;
  status: string | null;
  error: string | null;
  /** performance.now() when the first event, the first `tool_call`, the first `tool_result` and the `status` arrived. */
  firstEventAt: number | null;
  toolCallAt: number | null;
  toolResultAt: number | null;
  statusAt: number | null;
  /** performance.now() when `claude.response` arrived: the server has stored the turn. */
  respondedAt: number | null;
  toolResults: { output: string; isError: boolean }[];
  /** receive − send (ms) of every stamped text delta. */
  delays: number[];
}

interface AgentTurnPayload {
  turnId: string;
  seq: number;
  event:
    | { type: 'text'; delta: string }
    | { type: 'status'; status: string; error: string | null }
    | { type: 'tool_result'; output: string; isError: boolean }
    | { type: string };
}

interface Waiter {
  turnId: string;
  ready: (state: TurnState) => boolean;
  resolve: (state: TurnState) => void;
}

class ProjectSocketClient {
  readonly #turns = new Map<string, TurnState>();
  readonly #waiters = new Set<Waiter>();
  #subscribed: { resolve: () => void; reject: (error: Error) => void } | null = null;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: RawData) => {
      // Taken first: when the frame reached this process's event loop is what a browser tab would see.
      const at = performance.now();
      // A text frame arrives as one Buffer (the default binaryType, no fragments kept apart).
      this.#receive(at, (data as Buffer).toString('utf8'));
    });
  }

  static async open(base: string, token: string, projectId: string): Promise<ProjectSocketClient> {
    const url = `${base.replace('http://', 'ws://')}/api/ws`;
    // The IDE's origin: the server takes the project socket from no other page.
    const socket = new WebSocket(url, {
      headers: { authorization: `Bearer ${token}`, origin: base },
      perMessageDeflate: false,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
      socket.once('unexpected-response', (_request, response) =>
        reject(new Error(`${url}: handshake refused with ${response.statusCode}`)),
      );
    });
    const client = new ProjectSocketClient(socket);
    await new Promise<void>((resolve, reject) => {
      client.#subscribed = { resolve, reject };
      socket.send(JSON.stringify({ type: 'subscribe', projectId }));
    });
    return client;
  }

  #state(turnId: string): TurnState {
    let state = this.#turns.get(turnId);
    if (!state) {
      state = {
        events: 0,
        gaps: 0,
        lastSeq: 0,
        status: null,
        error: null,
        firstEventAt: null,
        toolCallAt: null,
        toolResultAt: null,
        statusAt: null,
        respondedAt: null,
        toolResults: [],
        delays: [],
      };
      this.#turns.set(turnId, state);
    }
    return state;
  }

  #receive(at: number, frame: string): void {
    const message = JSON.parse(frame) as {
      type: string;
      name?: string;
      message?: string;
      payload?: Record<string, unknown>;
    };
    if (message.type === 'subscribed') {
      this.#subscribed?.resolve();
      this.#subscribed = null;
      return;
    }
    if (message.type === 'error') {
      const error = new Error(`project socket: ${frame}`);
      if (this.#subscribed) this.#subscribed.reject(error);
      else console.error(error.message);
      return;
    }
    if (message.type !== 'event' || !message.payload) return;
    let turnId: string;
    if (message.name === 'agent.turn') {
      const payload = message.payload as unknown as AgentTurnPayload;
      turnId = payload.turnId;
      const state = this.#state(turnId);
      state.events++;
      state.firstEventAt ??= at;
      if (payload.seq !== state.lastSeq + 1) state.gaps++;
      state.lastSeq = payload.seq;
      const event = payload.event;
      if (event.type === 'text' && 'delta' in event) {
        for (const sentAt of stampsIn(event.delta)) state.delays.push(at - sentAt);
      } else if (event.type === 'status' && 'status' in event) {
        state.status = event.status;
        state.error = event.error;
        state.statusAt = at;
      } else if (event.type === 'tool_result' && 'output' in event) {
        state.toolResultAt ??= at;
        state.toolResults.push({ output: event.output, isError: event.isError });
      } else if (event.type === 'tool_call') {
        state.toolCallAt ??= at;
      }
    } else if (message.name === 'claude.response') {
      turnId = String(message.payload.turnId);
      this.#state(turnId).respondedAt = at;
    } else {
      return;
    }
    for (const waiter of this.#waiters) {
      if (waiter.turnId === turnId && waiter.ready(this.#state(turnId))) {
        this.#waiters.delete(waiter);
        waiter.resolve(this.#state(turnId));
      }
    }
  }

  /** Resolves once the turn's state passes `ready` (at once if it already does). */
  waitFor(turnId: string, ready: (state: TurnState) => boolean, what: string): Promise<TurnState> {
    const state = this.#state(turnId);
    if (ready(state)) return Promise.resolve(state);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`turn ${turnId}: no ${what} within ${turnTimeoutMs} ms (${JSON.stringify(state)})`));
      }, turnTimeoutMs);
      const waiter: Waiter = {
        turnId,
        ready,
        resolve: (done) => {
          clearTimeout(timer);
          resolve(done);
        },
      };
      this.#waiters.add(waiter);
    });
  }

  forget(turnId: string): void {
    this.#turns.delete(turnId);
  }

  close(): void {
    this.socket.terminate();
  }
}

/**
 * Starts a turn through the public API and waits until the server has stored it (`claude.response`), so
 * the next measurement does not share the machine with its tail. Resolves with the turn's state and when
 * the POST was sent.
 */
async function runTurn(
  vaporform: RunningVaporform,
  socket: ProjectSocketClient,
  token: string,
  projectId: string,
  message: string,
): Promise<{ sentAt: number; acceptedAt: number; state: TurnState }> {
  const sentAt = performance.now();
  const started = (await json(
    await fetch(`${vaporform.base}/api/projects/${projectId}/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message }),
    }),
  )) as { turnId: string };
  const acceptedAt = performance.now();
  const state = await socket.waitFor(started.turnId, (s) => s.statusAt !== null, 'status event');
  await socket.waitFor(started.turnId, (s) => s.respondedAt !== null, 'claude.response event');
  socket.forget(started.turnId);
  if (state.status !== 'done' || state.gaps > 0) {
    throw new Error(`turn ${started.turnId} ended ${state.status} (${state.error}), ${state.gaps} seq gaps`);
  }
  return { sentAt, acceptedAt, state };
}

// ---------------------------------------------------------------------------------------------------------
// Numbers

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

/** CPU of this process (servers, fakes and clients) and of the whole machine over a part; 100 = one core. */
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

/** Reads a streamed response to its end, keeping its text, as the least a client must do. */
async function drain(
  stream: AsyncIterable<Anthropic.RawMessageStreamEvent>,
  onFirstDelta?: () => void,
): Promise<string> {
  let received = '';
  let stopped = false;
  for await (const event of stream) {
    if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
      if (received === '') onFirstDelta?.();
      received += event.delta.text;
    }
    if (event.type === 'message_stop') stopped = true;
  }
  if (!stopped) throw new Error('a baseline stream ended without message_stop');
  return received;
}

// ---------------------------------------------------------------------------------------------------------
// Part 1: turn overhead

/** The model's side of the scripted turn: a tool call, then a final answer (fresh tool ids each time). */
const turnScript = () => [
  reply([text('Let me read it.'), toolUse('read_file', { path: benchFile })]),
  reply([text('The file has 40 numbered lines.')]),
];

async function partOverhead(dataDir: string, token: string | null) {
  const fake = await FakeAnthropicServer.start({ apiKey });
  const vaporform = await startVaporform(dataDir, modelEnv(fake.url));
  const sockets: ProjectSocketClient[] = [];
  try {
    const bearer = token ?? (await issueApiToken(vaporform.base));
    const projectId = await createProject(vaporform.base, bearer, 'bench agent');
    await json(
      await fetch(`${vaporform.base}/api/projects/${projectId}/files/${benchFile}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/octet-stream' },
        body: benchText,
      }),
    );
    const filePath = path.join(vaporform.workspacesDir, projectId, benchFile);
    if ((await readFile(filePath, 'utf8')) !== benchText) throw new Error(`${filePath} was not written`);
    const socket = await ProjectSocketClient.open(vaporform.base, bearer, projectId);
    sockets.push(socket);

    // Where each turn's time goes (p50s printed): the server's side as its client sees it, and the baseline's.
    const phases = {
      vaporform: {
        accepted: [] as number[],
        firstEvent: [] as number[],
        tool: [] as number[],
        tail: [] as number[],
      },
      baseline: {
        firstDelta: [] as number[],
        call1: [] as number[],
        read: [] as number[],
        call2: [] as number[],
      },
    };
    const vaporformTurn = async (): Promise<number> => {
      fake.script(turnScript());
      const { sentAt, acceptedAt, state } = await runTurn(
        vaporform,
        socket,
        bearer,
        projectId,
        'What is in bench.txt?',
      );
      const result = state.toolResults[0];
      if (state.toolResults.length !== 1 || !result || result.isError || !result.output.includes('line 40')) {
        throw new Error(`the read_file call did not read the file: ${JSON.stringify(state.toolResults)}`);
      }
      if (fake.pending !== 0) throw new Error(`the turn made ${2 - fake.pending} model calls, not 2`);
      const at = (value: number | null) => value ?? Number.NaN;
      phases.vaporform.accepted.push(acceptedAt - sentAt);
      phases.vaporform.firstEvent.push(at(state.firstEventAt) - sentAt);
      phases.vaporform.tool.push(at(state.toolResultAt) - at(state.toolCallAt));
      phases.vaporform.tail.push(at(state.statusAt) - at(state.toolResultAt));
      return at(state.statusAt) - sentAt;
    };

    // The first turn also records what the server sends the model: the baseline replays those bodies.
    const before = fake.requests.length;
    await vaporformTurn();
    const sent = fake.requests.slice(before).map((request) => request.body);
    const [firstBody, secondBody] = sent;
    if (sent.length !== 2 || !firstBody || !secondBody) throw new Error('expected 2 model requests per turn');
    const bodies = [firstBody, secondBody].map((body) => ({
      ...(body as unknown as Anthropic.MessageCreateParamsStreaming),
      stream: true as const,
    }));
    const requestBytes = [firstBody, secondBody].map((body) => JSON.stringify(body).length);
    // The server's own settings: its key, no retries needed (the fake never fails here).
    const client = new Anthropic({ apiKey, baseURL: fake.url, maxRetries: 4, logLevel: 'warn' });
    const bareTurn = async (): Promise<number> => {
      fake.script(turnScript());
      const startedAt = performance.now();
      let firstDeltaAt = Number.NaN;
      await drain(await client.messages.create(bodies[0]!), () => (firstDeltaAt = performance.now()));
      const call1At = performance.now();
      const content = await readFile(filePath, 'utf8');
      const readAt = performance.now();
      await drain(await client.messages.create(bodies[1]!));
      const endAt = performance.now();
      if (content.length !== benchText.length || fake.pending !== 0)
        throw new Error('baseline turn went wrong');
      phases.baseline.firstDelta.push(firstDeltaAt - startedAt);
      phases.baseline.call1.push(call1At - startedAt);
      phases.baseline.read.push(readAt - call1At);
      phases.baseline.call2.push(endAt - readAt);
      return endAt - startedAt;
    };

    for (let i = 1; i < warmupTurns; i++) {
      await vaporformTurn();
      await bareTurn();
    }
    console.log(`agent: part 1, ${turns} turns per target, alternating (after ${warmupTurns} warm-up turns)`);
    for (const list of [...Object.values(phases.vaporform), ...Object.values(phases.baseline)])
      list.length = 0;
    const times = { baseline: [] as number[], vaporform: [] as number[] };
    const cpu = cpuMeter();
    const reportEvery = Math.max(1, Math.round(turns / 4));
    for (let i = 0; i < turns; i++) {
      // Alternate which goes first, so neither always follows the other's tail.
      if (i % 2 === 0) {
        times.vaporform.push(await vaporformTurn());
        times.baseline.push(await bareTurn());
      } else {
        times.baseline.push(await bareTurn());
        times.vaporform.push(await vaporformTurn());
      }
      if ((i + 1) % reportEvery === 0) {
        const b = times.baseline.slice(-reportEvery);
        const v = times.vaporform.slice(-reportEvery);
        console.log(
          `  turns ${i + 2 - reportEvery}–${i + 1}: baseline p50 ${fmt(percentile(b, 50), 2)} ms, ` +
            `vaporform p50 ${fmt(percentile(v, 50), 2)} ms`,
        );
      }
    }
    const cpuUse = cpu();
    const overhead = times.vaporform.map((ms, i) => ms - (times.baseline[i] ?? Number.NaN));
    return {
      token: bearer,
      baseline: stats(times.baseline),
      vaporform: stats(times.vaporform),
      overheadP50: round(percentile(times.vaporform, 50) - percentile(times.baseline, 50), 3),
      overheadP90: round(percentile(times.vaporform, 90) - percentile(times.baseline, 90), 3),
      pairedOverhead: stats(overhead),
      ratioP50: round(percentile(times.vaporform, 50) / percentile(times.baseline, 50), 3),
      requestBytes,
      phasesP50: {
        vaporform: Object.fromEntries(
          Object.entries(phases.vaporform).map(([name, list]) => [name, round(percentile(list, 50), 3)]),
        ) as Record<keyof typeof phases.vaporform, number>,
        baseline: Object.fromEntries(
          Object.entries(phases.baseline).map(([name, list]) => [name, round(percentile(list, 50), 3)]),
        ) as Record<keyof typeof phases.baseline, number>,
      },
      cpu: cpuUse,
    };
  } finally {
    for (const socket of sockets) socket.close();
    await vaporform.server.close();
    await fake.close();
  }
}

// ---------------------------------------------------------------------------------------------------------
// Part 2: token → browser delay

async function partTokens(dataDir: string, token: string) {
  const fake = await startStampedModelServer({ chunks: tokenChunks, intervalMs: tokenIntervalMs });
  const vaporform = await startVaporform(dataDir, modelEnv(fake.url));
  const sockets: ProjectSocketClient[] = [];
  try {
    const projectId = await createProject(vaporform.base, token, 'bench agent tokens');
    const socket = await ProjectSocketClient.open(vaporform.base, token, projectId);
    sockets.push(socket);
    const client = new Anthropic({ apiKey, baseURL: fake.url, maxRetries: 4, logLevel: 'warn' });

    const vaporformRound = async (): Promise<number[]> => {
      const { state } = await runTurn(vaporform, socket, token, projectId, 'Say something, slowly.');
      if (state.delays.length !== tokenChunks) {
        throw new Error(`a turn brought ${state.delays.length} of ${tokenChunks} stamped deltas`);
      }
      return state.delays;
    };
    const bareRound = async (): Promise<number[]> => {
      const delays: number[] = [];
      const stream = await client.messages.create({
        model: 'claude-sonnet-5-5',
        max_tokens: 1024,
        messages: [{ role: 'user', content: 'Say something, slowly.' }],
        stream: true,
      });
      for await (const event of stream) {
        if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
          const at = performance.now();
          for (const sentAt of stampsIn(event.delta.text)) delays.push(at - sentAt);
        }
      }
      if (delays.length !== tokenChunks) {
        throw new Error(`a baseline stream brought ${delays.length} of ${tokenChunks} stamped deltas`);
      }
      return delays;
    };

    await vaporformRound(); // warm-up
    await bareRound();
    console.log(
      `agent: part 2, ${tokenRounds} rounds per target × ${tokenChunks} deltas ${tokenIntervalMs} ms apart, alternating`,
    );
    const delays = { baseline: [] as number[], vaporform: [] as number[] };
    const cpu = cpuMeter();
    for (let r = 1; r <= tokenRounds; r++) {
      const order = r % 2 === 1 ? (['baseline', 'vaporform'] as const) : (['vaporform', 'baseline'] as const);
      const line: string[] = [];
      for (const name of order) {
        const got = name === 'baseline' ? await bareRound() : await vaporformRound();
        delays[name].push(...got);
        line.push(`${name} p50 ${fmt(percentile(got, 50), 3)} p99 ${fmt(percentile(got, 99), 2)}`);
      }
      console.log(`  round ${r}  ${line.join('   ')} ms`);
    }
    const cpuUse = cpu();
    return {
      baseline: stats(delays.baseline),
      vaporform: stats(delays.vaporform),
      addedP50: round(percentile(delays.vaporform, 50) - percentile(delays.baseline, 50), 3),
      addedP99: round(percentile(delays.vaporform, 99) - percentile(delays.baseline, 99), 3),
      cpu: cpuUse,
    };
  } finally {
    for (const socket of sockets) socket.close();
    await vaporform.server.close();
    await fake.close();
  }
}

/** Vaporform's model settings for a fake: Anthropic at `url`, nothing inherited that could pick another. */
function modelEnv(url: string): Record<string, string> {
  // Empty means unset to loadConfig: an OPENAI_* or VAPORFORM_MODEL of the caller's shell must not switch
  // the provider.
  return {
    ANTHROPIC_BASE_URL: url,
    ANTHROPIC_API_KEY: apiKey,
    OPENAI_API_KEY: '',
    OPENAI_BASE_URL: '',
    VAPORFORM_MODEL: '',
    VAPORFORM_AUTOSTART: 'false',
  };
}

async function main(): Promise<void> {
  const dataDir = tempDir('vaporform-bench-agent-');
  try {
    const overhead = await partOverhead(dataDir, null);
    const tokens = await partTokens(dataDir, overhead.token);

    console.log('\nagent: turn wall time, POST …/chat → `status` on the project socket (ms)');
    const overheadMet = overhead.overheadP50 <= goals.overheadP50Ms;
    printTable([
      ['target', 'turns', 'p50', 'p90', 'p99', 'max', 'ratio p50', 'goal'],
      [
        'baseline (2 SDK streams + fs read)',
        overhead.baseline.samples,
        fmt(overhead.baseline.p50, 2),
        fmt(overhead.baseline.p90, 2),
        fmt(overhead.baseline.p99, 2),
        fmt(overhead.baseline.max, 1),
        '1.00',
        '',
      ],
      [
        'vaporform',
        overhead.vaporform.samples,
        fmt(overhead.vaporform.p50, 2),
        fmt(overhead.vaporform.p90, 2),
        fmt(overhead.vaporform.p99, 2),
        fmt(overhead.vaporform.max, 1),
        fmt(overhead.ratioP50),
        '',
      ],
      [
        'overhead (vaporform − baseline)',
        '',
        fmt(overhead.overheadP50, 2),
        fmt(overhead.overheadP90, 2),
        '',
        '',
        '',
        `p50 ≤ ${goals.overheadP50Ms} ms: ${overheadMet ? 'met' : 'MISSED'}`,
      ],
    ]);
    console.log(
      `  paired per-turn difference (each vaporform turn − the baseline turn next to it): p50 ` +
        `${fmt(overhead.pairedOverhead.p50, 2)}, p90 ${fmt(overhead.pairedOverhead.p90, 2)} ms; request bodies ` +
        `${overhead.requestBytes.join(' + ')} bytes; cpu this process ${overhead.cpu.processPercent}%, machine ` +
        `${overhead.cpu.machinePercent}%`,
    );
    const v = overhead.phasesP50.vaporform;
    const b = overhead.phasesP50.baseline;
    console.log(
      `  where the time goes (p50s, ms): vaporform POST → 202 ${fmt(v.accepted)}, POST → first event ` +
        `${fmt(v.firstEvent)}, tool_call → tool_result ${fmt(v.tool)}, tool_result → status ${fmt(v.tail)}; ` +
        `baseline call 1 → first delta ${fmt(b.firstDelta)}, call 1 ${fmt(b.call1)}, fs read ${fmt(b.read)}, ` +
        `call 2 ${fmt(b.call2)}`,
    );

    console.log('\nagent: token delay, fake model server write → client (ms)');
    const tokensMet = tokens.addedP50 <= goals.tokenDelayP50Ms;
    printTable([
      ['target', 'deltas', 'p50', 'p90', 'p99', 'max', 'goal'],
      [
        'baseline (bare SDK stream reader)',
        tokens.baseline.samples,
        fmt(tokens.baseline.p50, 3),
        fmt(tokens.baseline.p90, 3),
        fmt(tokens.baseline.p99, 3),
        fmt(tokens.baseline.max, 1),
        '',
      ],
      [
        'vaporform (project socket client)',
        tokens.vaporform.samples,
        fmt(tokens.vaporform.p50, 3),
        fmt(tokens.vaporform.p90, 3),
        fmt(tokens.vaporform.p99, 3),
        fmt(tokens.vaporform.max, 1),
        '',
      ],
      [
        'added by vaporform',
        '',
        fmt(tokens.addedP50, 3),
        '',
        fmt(tokens.addedP99, 3),
        '',
        `p50 ≤ ${goals.tokenDelayP50Ms} ms: ${tokensMet ? 'met' : 'MISSED'}`,
      ],
    ]);
    console.log(
      `  cpu this process ${tokens.cpu.processPercent}%, machine ${tokens.cpu.machinePercent}% (100 = one core)`,
    );
    console.log(
      '  notes: fakes, servers and clients share this process and its clock; the model answers at once (part 1)',
    );
    console.log(
      '         or at a fixed pace (part 2), so what is left is the agent, the database, the event bus and the socket.',
    );

    const { token: _token, ...overheadResult } = overhead;
    const file = writeResult('agent', {
      machine: machine(),
      settings: { turns, warmupTurns, tokenRounds, tokenChunks, tokenIntervalMs },
      turnOverhead: overheadResult,
      tokenDelay: tokens,
      goals,
      met: { overheadP50: overheadMet, tokenDelayP50: tokensMet },
    });
    console.log(`agent: results in ${file}`);
  } finally {
    removeTempDir(dataDir);
  }
}

await main();
