// @vitest-environment happy-dom
import { Server, type Connection } from '@hocuspocus/server';
import { collabTextField } from '@vaporform/contracts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import NodeWebSocket from 'ws';
import { CollabConnection, type CollabConnectionOptions } from './CollabConnection';
import type { CollabFile } from './collabFile';

// The client against a real Hocuspocus server (the version the server uses), over real sockets on loopback.

const projectId = '00000000-0000-4000-8000-000000000042';
const ada = { id: '00000000-0000-4000-8000-00000000000a', name: 'Ada', color: '#22a06b' };
const bob = { id: '00000000-0000-4000-8000-00000000000b', name: 'Bob "the builder"', color: '#3b82f6' };

/** `ws`, except that closing a socket still connecting is quiet, as in browsers (not an 'error' event). */
class WebSocket extends NodeWebSocket {
  constructor(...args: ConstructorParameters<typeof NodeWebSocket>) {
    super(...args);
    this.on('error', () => undefined);
  }
}

let server: Server;
let url: string;
const readOnlyUsers = new Set<string>();
const connections: CollabConnection[] = [];
/** The server's side of each document connection, by document name. */
const serverSides = new Map<string, Connection>();

beforeAll(async () => {
  server = new Server({
    port: 0,
    address: '127.0.0.1',
    quiet: true,
    // The real server knows people by their cookie; here the URL says who connects.
    async onAuthenticate({ documentName, requestParameters, connectionConfig }) {
      if (documentName.endsWith('/secret.txt')) throw new Error('forbidden');
      if (readOnlyUsers.has(requestParameters.get('user') ?? '')) connectionConfig.readOnly = true;
    },
    async connected({ documentName, connection }) {
      serverSides.set(documentName, connection);
    },
    async onLoadDocument({ document, documentName }) {
      if (documentName.endsWith('/src/app.ts')) document.getText(collabTextField).insert(0, 'const a = 1;\n');
    },
  });
  await server.listen();
  url = `ws://127.0.0.1:${server.address.port}/collab`;
});
afterAll(async () => {
  await server.destroy();
});
afterEach(() => {
  for (const connection of connections.splice(0)) connection.stop();
  readOnlyUsers.clear();
});

function connect(user: typeof ada, options: Partial<CollabConnectionOptions> = {}): CollabConnection {
  const connection = new CollabConnection({
    projectId,
    user,
    url: `${url}?user=${user.id}`,
    WebSocket,
    ...options,
  });
  connection.start();
  connections.push(connection);
  return connection;
}

async function until(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('CollabConnection', () => {
  it('co-edits a file between two people, who see each other online and each other’s cursors', async () => {
    const mine = connect(ada);
    const theirs = connect(bob);
    const [a, b] = (await Promise.all([mine.open('src/app.ts'), theirs.open('src/app.ts')])) as CollabFile[];
    expect(a?.text.toJSON()).toBe('const a = 1;\n');
    expect(b?.readOnly).toBe(false);

    a!.text.insert(0, '// Ada\n');
    await until(() => b!.text.toJSON() === '// Ada\nconst a = 1;\n');
    await until(() => a!.status === 'synced');

    mine.setOpenFile('src/app.ts');
    theirs.setOpenFile('README.md');
    await until(
      () =>
        mine.getPresence().online[0]?.files[0] === 'README.md' &&
        theirs.getPresence().online[0]?.files[0] === 'src/app.ts',
    );
    expect(mine.getPresence().online[0]).toMatchObject({ id: bob.id, files: ['README.md'] });
    expect(
      theirs
        .getPresence()
        .byFile.get('src/app.ts')
        ?.map((user) => user.id),
    ).toEqual([ada.id]);

    // Each sees the other's cursor in their colour, named (escaped) in the label.
    const styles = () =>
      [...document.querySelectorAll('style[data-testid="remote-cursor-styles"]')].map(
        (style) => style.textContent,
      );
    await until(() => styles().some((css) => css?.includes('content: "Bob \\22 the builder\\22 "') ?? false));
    expect(styles().some((css) => css?.includes('content: "Ada"') ?? false)).toBe(true);

    // Leaving the file takes the cursor away; leaving the project takes the person away.
    theirs.stop();
    await until(() => mine.getPresence().online.length === 0);
  });

  it('joins read-only members read-only', async () => {
    readOnlyUsers.add(bob.id);
    const file = await connect(bob).open('src/app.ts');
    expect(file?.readOnly).toBe(true);
    expect(file?.text.toJSON()).toBe('const a = 1;\n');
  });

  it('answers null for a refused document, so the file opens through the files API', async () => {
    const connection = connect(ada, { syncTimeoutMs: 5000 });
    const started = Date.now();
    expect(await connection.open('secret.txt')).toBeNull();
    expect(Date.now() - started).toBeLessThan(2000);
    // The socket stays good for other files.
    expect(await connection.open('src/app.ts')).not.toBeNull();
  });

  it('tells when the server closes one document and keeps the socket for the others', async () => {
    const connection = connect(ada);
    const file = await connection.open('src/app.ts');
    const other = await connection.open('README.md');
    const changed = new Promise<void>((resolve) => file!.onChange(resolve));
    serverSides.get(`${projectId}/src/app.ts`)!.close({ code: 4404, reason: 'not_found: access changed' });
    await changed;
    await until(() => file!.closed && other!.status === 'synced');
    const state = (f: CollabFile | null) => f && { closed: f.closed, readOnly: f.readOnly, status: f.status };
    expect(state(file)).toEqual({ closed: true, readOnly: true, status: 'offline' });
    expect(state(other)).toEqual({ closed: false, readOnly: false, status: 'synced' });
  });

  it('answers null at once when nothing answers on /collab', async () => {
    const connection = connect(ada, { url: 'ws://127.0.0.1:1/collab', connectTimeoutMs: 5000 });
    const started = Date.now();
    expect(await connection.open('src/app.ts')).toBeNull();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(connection.getPresence().online).toEqual([]);
  });

  it('answers null for files opened after it stopped', async () => {
    const connection = connect(ada);
    connection.stop();
    expect(await connection.open('src/app.ts')).toBeNull();
  });
});
