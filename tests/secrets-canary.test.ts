import { randomBytes, randomUUID } from 'node:crypto';
import type { ContainerInfo, Turn } from '@vaporform/contracts';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loggerOptions } from '../apps/server/src/platform/logger/loggerOptions.js';
import { stackImageTag } from '../apps/server/src/services/containers/index.js';
import {
  describeWithDocker,
  runtimeImagesUnavailableReason,
} from '../apps/server/src/testing/dockerAvailability.js';
import type { TestServer } from '../apps/server/src/testing/testServer.js';
import { reply, text, toolUse, type FakeAnthropicServer } from './fakes/anthropicMessagesServer.js';
import { pollTurn } from './support/agentTurns.js';
import { startContainerProject, type ContainerProject } from './support/containerProject.js';
import { TerminalClient } from './support/terminalClient.js';

const unavailable = await runtimeImagesUnavailableReason([stackImageTag('python')]);

/**
 * URL-special characters, so the percent-encoded forms differ from the raw one; 51 bytes, so base64 needs
 * no padding and fits one line of `base64`'s output.
 */
const canaryId = randomUUID();
const canary = `cnry/${canaryId}+a=b&c:d@e`;
/** As long as a real API key (Anthropic's are 108 characters): `base64` prints it over several lines. */
const longCanaryId = randomUUID();
const longCanary = `lng_${longCanaryId}_${randomBytes(48).toString('hex')}`;

/**
 * Every readable form of a canary the issue names. The random part alone also catches an encoding nobody
 * listed that leaves it as it is (Python's `quote` keeps `/`, say); wrapped base64 is searched by line.
 */
function formsOf(label: string, value: string, randomPart: string): Record<string, string> {
  const bytes = Buffer.from(value, 'utf8');
  const base64 = bytes.toString('base64').replace(/=+$/, '');
  const forms: Record<string, string> = {
    raw: value,
    random: randomPart,
    base64,
    base64url: bytes.toString('base64url'),
    hex: bytes.toString('hex'),
    HEX: bytes.toString('hex').toUpperCase(),
    urlEncoded: encodeURIComponent(value),
  };
  for (const width of [64, 76]) {
    for (let at = 0; at + width <= base64.length; at += width) {
      forms[`base64 line ${at / width + 1} of ${width}`] = base64.slice(at, at + width);
    }
  }
  return Object.fromEntries(Object.entries(forms).map(([kind, form]) => [`${label} ${kind}`, form]));
}
const forms = {
  ...formsOf('CANARY', canary, canaryId),
  ...formsOf('LONG_CANARY', longCanary, longCanaryId),
};

/** Each form found, with some context so a failure shows which output carried it. */
function hitsIn(where: string, haystack: string): string[] {
  return Object.entries(forms).flatMap(([kind, form]) => {
    const at = haystack.indexOf(form);
    return at < 0 ? [] : [`${kind} in ${where}: …${haystack.slice(Math.max(0, at - 60), at + 80)}…`];
  });
}

/** Prints the canary in every form at start-up, as an app that logs its configuration would. */
const appPrelude = `import base64 as _b64, os as _os, urllib.parse as _url
_c = _os.environ.get("CANARY", "")
print("app canary raw:", _c, flush=True)
print("app canary b64:", _b64.b64encode(_c.encode()).decode(), flush=True)
print("app canary hex:", _c.encode().hex(), _c.encode().hex().upper(), flush=True)
print("app canary url:", _url.quote(_c, safe=""), _url.quote(_c), _url.quote_plus(_c), flush=True)
`;

/** The same forms from a shell (terminal and the agent's run_command). */
const encodingsCommand =
  'printenv CANARY | base64; printenv | base64 -w0; echo; ' +
  'printenv LONG_CANARY | base64; printenv LONG_CANARY | openssl base64; ' +
  `python3 -c 'import os,urllib.parse as u;v=os.environ["CANARY"];b=v.encode();` +
  `print("hex", b.hex(), b.hex().upper());print("url", u.quote(v, safe=""), u.quote(v), u.quote_plus(v))'`;

/**
 * The canary drill: secrets with distinctive values are injected into a real container where the
 * app logs them, a terminal prints them and the agent's tools read them, in raw, base64 (one line and
 * wrapped), hex and URL-encoded form; refused writes carry one too. Then every place a value must never reach is searched for every form: the server's log (pino at
 * trace, the production redaction on), the terminal scrollback a reconnect replays, every request the model
 * provider received, every API response, the audit log and every database row. The live terminal stream is
 * the only place it may appear (the user's own shell, by design).
 */
describeWithDocker(unavailable, 'a canary secret', () => {
  let project: ContainerProject | undefined;
  let server: TestServer;
  let fake: FakeAnthropicServer;
  let base: string;
  let owner: { token: string; userId: string };
  let projectId: string;
  const logLines: string[] = [];
  /** Everything the API answered this test (status, headers and body). */
  const responses: string[] = [];

  const api = async (method: 'GET' | 'PUT' | 'POST', url: string, body?: unknown) => {
    const response = await server.request({
      method,
      url: `/api/projects/${projectId}${url}`,
      token: owner.token,
      body,
    });
    responses.push(`${response.statusCode} ${JSON.stringify(response.headers)} ${response.body}`);
    return response;
  };
  const writeFile = async (path: string, content: string) => {
    const response = await server.app.inject({
      method: 'PUT',
      url: `/api/projects/${projectId}/files/${path}`,
      headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'application/octet-stream' },
      payload: content,
    });
    responses.push(`${response.statusCode} ${JSON.stringify(response.headers)} ${response.body}`);
    expect(response.statusCode, response.body).toBeLessThan(300);
  };
  const connectTerminal = () => TerminalClient.connect(base, projectId, 'canary', owner.token);

  beforeAll(async () => {
    project = await startContainerProject({
      ownerEmail: 'canary@example.com',
      projectName: 'Canary',
      overrides: {
        // The production logger's options (redaction included) at its most talkative level.
        logger: pino(loggerOptions('trace'), { write: (line: string) => void logLines.push(line) }),
      },
    });
    ({ server, fake, base, owner, projectId } = project);
  }, 60_000);

  afterAll(async () => project?.close(), 60_000);

  it('is found in no log, replay, model request, API response, audit entry or database row', async () => {
    expect((await api('PUT', '/secrets/CANARY', { value: canary })).statusCode).toBe(201);
    expect((await api('PUT', '/secrets/LONG_CANARY', { value: longCanary })).statusCode).toBe(201);
    // Refused writes that carry the value: their errors and log lines must not quote it.
    expect((await api('PUT', '/secrets/CANARY_NUL', { value: `${canary}\u0000` })).statusCode).toBe(400);
    expect((await api('PUT', '/secrets/CANARY_BIG', { value: canary.repeat(700) })).statusCode).toBe(400);
    expect((await api('PUT', '/secrets/canary-lower', { value: canary })).statusCode).toBe(400);
    const malformed = await server.app.inject({
      method: 'PUT',
      url: `/api/projects/${projectId}/secrets/CANARY_JSON`,
      headers: { authorization: `Bearer ${owner.token}`, 'content-type': 'application/json' },
      payload: `{"value": "${canary}"`,
    });
    responses.push(malformed.body);
    expect(malformed.statusCode).toBe(400);

    const appSource = (
      await server.app.inject({
        method: 'GET',
        url: `/api/projects/${projectId}/files/app.py`,
        headers: { authorization: `Bearer ${owner.token}` },
      })
    ).body;
    await writeFile('app.py', appPrelude + appSource);
    await writeFile('notes.txt', `canary=${canary}\nb64=${forms.base64}\nhex=${forms.hex}\n`);
    const started = await api('POST', '/container/start?wait=true');
    expect(started.json<ContainerInfo>()).toMatchObject({ status: 'running' });

    // The app: its start-up lines reach the container log (listed, and in the status's last lines).
    let logs = '';
    for (let attempt = 0; attempt < 200 && !logs.includes('app canary url:'); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      logs = (await api('GET', '/container/logs?tail=200')).body;
    }
    expect(logs).toContain('app canary raw: [secret:CANARY]');
    expect(logs).toContain('app canary hex: [secret:CANARY] [secret:CANARY]');
    await api('GET', '/container');

    // The terminal: live output is the user's own (raw); the scrollback a reconnect replays is masked.
    const first = connectTerminal();
    await first.opened;
    first.socket.send(Buffer.from(`echo "raw=$CANARY"; ${encodingsCommand}; echo "done-$((6*7))"\n`), {
      binary: true,
    });
    await first.until(() => first.output.includes('done-42'), 'terminal output');
    expect(first.output).toContain(`raw=${canary}`);
    first.socket.terminate();
    await first.closed;
    const second = connectTerminal();
    await second.opened;
    await second.until(() => second.ready, 'replay');
    const replay = second.output;
    second.socket.close();
    await second.closed;
    expect(replay).toContain('raw=[secret:CANARY]');
    expect(replay).toContain('hex [secret:CANARY] [secret:CANARY]');
    expect(replay).toContain('[secret:LONG_CANARY]\r\n[secret:LONG_CANARY]');

    // The agent: its tools see the value; what goes back to the model and the chat is masked.
    fake.script([
      reply([
        toolUse('run_command', { command: 'printenv CANARY' }),
        toolUse('run_command', { command: encodingsCommand }),
        toolUse('read_file', { path: 'notes.txt' }),
        toolUse('search', { pattern: 'canary=' }),
        toolUse('read_logs', { lines: 200 }),
      ]),
      reply([text('Done.')]),
    ]);
    const chat = await api('POST', '/chat', { message: 'What is in CANARY?' });
    expect(chat.statusCode, chat.body).toBe(202);
    const { turnId } = chat.json<{ turnId: string }>();
    // Through `api`, so that the turn's answers are searched too; the tools run real commands, hence 20 s.
    const turn = await pollTurn(
      async () => (await api('GET', `/chat/turns/${turnId}`)).json<Turn>(),
      undefined,
      20_000,
    );
    expect(turn.status, turn.error ?? '').toBe('done');
    const outputs = turn.toolCalls.map((call) => call.output ?? '');
    expect(outputs[0]).toContain('[secret:CANARY]');
    expect(outputs[1]).toContain('hex [secret:CANARY] [secret:CANARY]');
    expect(outputs[1]).toContain('[secret:LONG_CANARY]\n[secret:LONG_CANARY]');
    expect(outputs[2]).toContain('canary=[secret:CANARY]');
    expect(outputs[4]).toContain('app canary raw: [secret:CANARY]');
    const threads = await api('GET', '/chat/threads');
    for (const thread of threads.json<{ id: string }[]>())
      await api('GET', `/chat/threads/${thread.id}/turns`);
    await api('GET', '/secrets');

    const modelRequests = fake.requests.map((request) => JSON.stringify([request.headers, request.body]));
    expect(modelRequests.join('\n')).toContain('[secret:CANARY]');
    const { rows: audit } = await sql`select * from audit_log`.execute(server.database.db);
    expect(JSON.stringify(audit)).toContain('"name":"CANARY"');
    const { rows: tables } = await sql<{ name: string }>`
      select table_name as name from information_schema.tables
      where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(server.database.db);
    const database: string[] = [];
    for (const { name } of tables) {
      const { rows } = await sql<{
        row: string;
      }>`select row_to_json(t)::text as row from ${sql.table(name)} t`.execute(server.database.db);
      database.push(...rows.map((row) => `${name}: ${row.row}`));
    }
    const serverLog = logLines.join('');
    expect(serverLog).toContain('"msg":"request completed"');

    expect([
      ...hitsIn('the server log', serverLog),
      ...hitsIn('the terminal replay', replay),
      ...hitsIn('the model requests', modelRequests.join('\n')),
      ...hitsIn('the API responses', responses.join('\n')),
      ...hitsIn('the audit log', JSON.stringify(audit)),
      ...hitsIn('the database', database.join('\n')),
    ]).toEqual([]);
  }, 60_000);
});
