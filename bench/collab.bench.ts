/**
 * Co-editing relay: how long one client's keystroke takes to reach the 19 other clients on the same
 * document, through Vaporform's `/collab` (Hocuspocus, with authentication, per-document permission and the
 * disk bridge) against a bare y-websocket server (`@y/websocket-server`, no auth, no persistence) with y-websocket
 * clients, in the same process and run. Then the memory an open document costs on each.
 *
 *   npm run bench -- collab
 *
 * 1. Relay: 20 clients join one document; in interleaved rounds (baseline, vaporform, …) a rotating writer
 *    inserts one character and the time until each other client's document has it is recorded. Goals:
 *    vaporform p50 ≤ 2× baseline p50, and ≤ 5 ms.
 * 2. Memory: one client opens BENCH_COLLAB_DOCUMENTS documents of ~8 KB each on each server; the process's
 *    heap growth per document after a full GC (server and client share the process, for both targets).
 *
 * Knobs: BENCH_COLLAB_CLIENTS (20), BENCH_COLLAB_ROUNDS (10), BENCH_COLLAB_EDITS (50 per round and target),
 * BENCH_COLLAB_DOCUMENTS (50).
 */
import http from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import { collabDocumentName, collabTextField } from '@vaporform/contracts';
import { setupWSConnection } from '@y/websocket-server/utils';
import { WebSocket, WebSocketServer } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import {
  closeHttpServer,
  envNumber,
  fmt,
  guard,
  listenLocal,
  machine,
  percentile,
  printTable,
  removeTempDir,
  round,
  sleep,
  tempDir,
  writeResult,
} from './lib/common.js';
import { createProject, issueApiToken, startVaporform } from './lib/vaporform.js';

guard('collab', 8 * 60_000);
// Each y-websocket provider listens for the process's exit: 20+ of them are expected here.
process.setMaxListeners(0);
const clientCount = Math.round(envNumber('BENCH_COLLAB_CLIENTS', 20, 2, 100));
const rounds = Math.round(envNumber('BENCH_COLLAB_ROUNDS', 10, 1, 50));
const editsPerRound = Math.round(envNumber('BENCH_COLLAB_EDITS', 50, 5, 500));
const documentCount = Math.round(envNumber('BENCH_COLLAB_DOCUMENTS', 50, 5, 500));

interface Client {
  text: Y.Text;
  destroy(): void;
}

interface Target {
  name: string;
  /** Opens a client on `document`, resolved once it has synced. */
  open(document: string): Promise<Client>;
}

async function waitUntil(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

// --- baseline: y-websocket -----------------------------------------------------------------------------

const bareServer = http.createServer();
const bareSockets = new WebSocketServer({ server: bareServer });
bareSockets.on('connection', (socket, request) => setupWSConnection(socket, request));
const barePort = await listenLocal(bareServer);

const baseline: Target = {
  name: 'baseline (y-websocket server)',
  async open(document) {
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(`ws://127.0.0.1:${barePort}`, document, doc, {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
    });
    await waitUntil(() => provider.synced, 10_000, `baseline sync of ${document}`);
    return { text: doc.getText(collabTextField), destroy: () => provider.destroy() };
  },
};

// --- vaporform: /collab ---------------------------------------------------------------------------------

const dataDir = tempDir('vaporform-bench-collab-');
const vaporform = await startVaporform(dataDir);
const token = await issueApiToken(vaporform.base);
const projectId = await createProject(vaporform.base, token, 'Collab bench');
const wsBase = vaporform.base.replace(/^http/, 'ws');

async function writeFile(path: string, content: string): Promise<void> {
  const response = await fetch(`${vaporform.base}/api/projects/${projectId}/files/${path}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' },
    body: content,
  });
  if (!response.ok) throw new Error(`PUT ${path}: ${response.status} ${await response.text()}`);
}

const vaporformTarget: Target = {
  name: 'vaporform (/collab)',
  async open(document) {
    // Every /collab upgrade must come from the IDE's origin, scripts' included.
    const origin = vaporform.base;
    const socket = new HocuspocusProviderWebsocket({
      url: `${wsBase}/collab`,
      WebSocketPolyfill: class extends WebSocket {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols, { headers: { origin } });
        }
      },
    });
    const doc = new Y.Doc();
    let refused: string | null = null;
    const provider = new HocuspocusProvider({
      websocketProvider: socket,
      name: document,
      document: doc,
      token,
      onAuthenticationFailed: ({ reason }) => (refused = reason),
    });
    provider.attach();
    await waitUntil(
      () => {
        if (refused !== null) throw new Error(`refused: ${refused}`);
        return provider.synced;
      },
      10_000,
      `vaporform sync of ${document}`,
    );
    return {
      text: doc.getText(collabTextField),
      destroy: () => {
        provider.destroy();
        socket.destroy();
      },
    };
  },
};

// --- 1. relay latency ------------------------------------------------------------------------------------

const relayFile = 'relay.txt';
await writeFile(relayFile, '');
const targets = [
  { target: baseline, document: 'relay', clients: [] as Client[], samples: [] as number[] },
  {
    target: vaporformTarget,
    document: collabDocumentName(projectId, relayFile),
    clients: [] as Client[],
    samples: [] as number[],
  },
];
for (const entry of targets) {
  for (let index = 0; index < clientCount; index += 1)
    entry.clients.push(await entry.target.open(entry.document));
}

/** One insert by `writer`; resolves with each other client's delay (ms) until its text has it. */
async function relayOnce(clients: Client[], writer: number): Promise<number[]> {
  const author = clients[writer]!;
  const length = author.text.length + 1;
  const started = performance.now();
  const arrived: (number | undefined)[] = Array.from({ length: clients.length }, () => undefined);
  const listeners = clients.map((client, index) => {
    const listener = () => {
      if (arrived[index] === undefined && client.text.length >= length)
        arrived[index] = performance.now() - started;
    };
    client.text.observe(listener);
    return listener;
  });
  author.text.insert(author.text.length, String.fromCharCode(97 + (length % 26)));
  await waitUntil(
    () => arrived.every((value, index) => index === writer || value !== undefined),
    5_000,
    'every client to receive an edit',
  );
  clients.forEach((client, index) => client.text.unobserve(listeners[index]!));
  return arrived.filter((value, index): value is number => index !== writer && value !== undefined);
}

for (let roundIndex = 0; roundIndex < rounds; roundIndex += 1) {
  for (const entry of targets) {
    for (let edit = 0; edit < editsPerRound; edit += 1) {
      entry.samples.push(...(await relayOnce(entry.clients, edit % entry.clients.length)));
    }
  }
}
// The document reached the file on disk too (what makes the preview reload): a relay that never landed
// would be a fast relay of nothing.
await sleep(500);
const onDisk = await fetch(`${vaporform.base}/api/projects/${projectId}/files/${relayFile}`, {
  headers: { authorization: `Bearer ${token}` },
});
const diskLength = (await onDisk.text()).length;

const relayRows = targets.map(({ target, samples }) => [
  target.name,
  samples.length,
  fmt(percentile(samples, 50), 3),
  fmt(percentile(samples, 90), 3),
  fmt(percentile(samples, 99), 3),
]);
const baselineP50 = percentile(targets[0]!.samples, 50);
const vaporformP50 = percentile(targets[1]!.samples, 50);
const ratio = vaporformP50 / baselineP50;
console.log(`\ncollab: relay latency, one insert → each of ${clientCount - 1} other clients (ms)`);
printTable([['target', 'deliveries', 'p50', 'p90', 'p99'], ...relayRows]);
console.log(
  `  ratio p50 ${fmt(ratio)}× (goal ≤ 2×: ${ratio <= 2 ? 'met' : 'MISSED'}); vaporform p50 ${fmt(vaporformP50, 3)} ms (goal ≤ 5 ms: ${vaporformP50 <= 5 ? 'met' : 'MISSED'}); file on disk ${diskLength} characters of ${targets[1]!.clients[0]!.text.length}`,
);
for (const entry of targets) for (const client of entry.clients) client.destroy();

// --- 2. memory per open document -----------------------------------------------------------------------

// A full GC before each reading, so the heap difference is what the documents hold.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as (() => void) | undefined;
async function heapAfterGc(): Promise<number> {
  await sleep(200);
  collect?.();
  return process.memoryUsage().heapUsed;
}
const content = `${'const line = "some typical source text";\n'.repeat(200)}`;
const memory: { target: string; perDocumentKb: number }[] = [];
for (const entry of targets) {
  const before = await heapAfterGc();
  const opened: Client[] = [];
  for (let index = 0; index < documentCount; index += 1) {
    const path = `docs/file${index}.ts`;
    if (entry.target === vaporformTarget) await writeFile(path, content);
    const client = await entry.target.open(
      entry.target === vaporformTarget ? collabDocumentName(projectId, path) : `doc-${index}`,
    );
    if (entry.target === baseline) client.text.insert(0, content);
    opened.push(client);
  }
  const after = await heapAfterGc();
  // Both the server and its clients live in this process: the clients' share is the same for both targets.
  memory.push({
    target: entry.target.name,
    perDocumentKb: round((after - before) / documentCount / 1024, 1),
  });
  for (const client of opened) client.destroy();
}
console.log(
  `\ncollab: heap per open ~${Math.round(content.length / 1024)} KB document, server and one client (KB)`,
);
printTable([['target', 'KB per document'], ...memory.map((row) => [row.target, fmt(row.perDocumentKb, 1)])]);

writeResult('collab', {
  machine: machine(),
  clients: clientCount,
  relay: Object.fromEntries(
    targets.map(({ target, samples }) => [
      target.name,
      {
        p50: round(percentile(samples, 50), 3),
        p90: round(percentile(samples, 90), 3),
        p99: round(percentile(samples, 99), 3),
      },
    ]),
  ),
  ratioP50: round(ratio),
  memory,
});
console.log('collab: results in bench/results/collab.json');
await vaporform.server.close();
bareSockets.close();
await closeHttpServer(bareServer);
removeTempDir(dataDir);
process.exit(0);
