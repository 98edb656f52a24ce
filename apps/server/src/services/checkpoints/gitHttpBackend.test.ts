import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointService } from './checkpointService.js';
import { gitHttpBackend, type GitHttpRequest } from './gitHttpBackend.js';

const execFileAsync = promisify(execFile);
const owner = { name: 'Ada Lovelace', email: 'ada@example.com' };

let root: string;
let service: CheckpointService;
let projectId: string;
let workspace: string;
let server: http.Server;
let baseUrl: string;
const serverErrors: unknown[] = [];

/**
 * What the real route layer does, minus auth: a fetch first checkpoints the workspace, a push runs inside
 * `receivePush`, and the response ends only once the workspace has been updated.
 */
async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const match = /^\/git\/([0-9a-f-]{36})\.git(\/.*)$/.exec(url.pathname);
  if (match?.[1] !== projectId) {
    res.writeHead(404).end();
    return;
  }
  const pathInfo = match[2]!;
  const service_ = url.searchParams.get('service') ?? pathInfo.slice(1);
  const forward = async (): Promise<void> => {
    const response = await gitHttpBackend({
      repoDir: service.repoDir(projectId),
      pathInfo,
      method: req.method ?? 'GET',
      queryString: url.search.slice(1),
      contentType: req.headers['content-type'],
      contentEncoding: req.headers['content-encoding'],
      gitProtocol: req.headers['git-protocol'] as string | undefined,
      body: req.method === 'POST' ? req : undefined,
      remoteUser: owner.email,
    });
    res.writeHead(response.status, response.headers);
    response.body.pipe(res, { end: false });
    await finished(response.body);
  };
  try {
    if (service_ !== 'git-receive-pack') {
      if (pathInfo === '/info/refs') await service.prepareForFetch(projectId, workspace, owner);
      await forward();
    } else if (pathInfo === '/info/refs') {
      await service.prepareForPush(projectId, workspace, owner);
      await forward();
    } else {
      await service.receivePush(projectId, workspace, owner, forward);
    }
  } finally {
    res.end();
  }
}

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('/usr/bin/git', args, {
    cwd,
    env: {
      PATH: '/usr/bin:/bin',
      HOME: root,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_TERMINAL_PROMPT: '0',
      GIT_AUTHOR_NAME: 'Laptop User',
      GIT_AUTHOR_EMAIL: 'laptop@example.com',
      GIT_COMMITTER_NAME: 'Laptop User',
      GIT_COMMITTER_EMAIL: 'laptop@example.com',
    },
  });
  return stdout;
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'vaporform-git-http-'));
  service = new CheckpointService({ checkpointsDir: path.join(root, 'checkpoints') });
  projectId = randomUUID();
  workspace = path.join(root, 'workspace');
  await mkdir(path.join(workspace, 'node_modules/dep'), { recursive: true });
  await writeFile(path.join(workspace, 'index.html'), '<h1>v1</h1>\n');
  await writeFile(path.join(workspace, 'app.js'), 'console.log(1);\n');
  await writeFile(path.join(workspace, 'node_modules/dep/index.js'), 'dep\n');
  await service.create(projectId, workspace, { message: 'Initial', author: owner });

  server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => serverErrors.push(error));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(root, { recursive: true, force: true });
});

describe('git smart HTTP', () => {
  const read = (file: string): Promise<string> => readFile(path.join(workspace, file), 'utf8');
  let clone: string;

  it('clones the workspace and applies a fast-forward push to it', async () => {
    clone = path.join(root, 'clone');
    await git(root, ['clone', '-q', `${baseUrl}/git/${projectId}.git`, clone]);
    expect(await readFile(path.join(clone, 'index.html'), 'utf8')).toBe('<h1>v1</h1>\n');
    expect((await git(clone, ['ls-files'])).trim().split('\n')).toEqual(['app.js', 'index.html']);

    await writeFile(path.join(clone, 'index.html'), '<h1>v2</h1>\n');
    await writeFile(path.join(clone, 'new page.html'), '<p>new</p>\n');
    await git(clone, ['add', '-A']);
    await git(clone, ['commit', '-qm', 'Edit from laptop']);
    await git(clone, ['push', '-q', 'origin', 'main']);

    expect(await read('index.html')).toBe('<h1>v2</h1>\n');
    expect(await read('new page.html')).toBe('<p>new</p>\n');
    expect(await read('node_modules/dep/index.js')).toBe('dep\n');
    const [latest] = await service.list(projectId);
    expect(latest).toMatchObject({
      message: 'Edit from laptop',
      author: { name: 'Laptop User', email: 'laptop@example.com' },
    });
    expect(latest?.id).toBe((await git(clone, ['rev-parse', 'HEAD'])).trim());
    expect(serverErrors).toEqual([]);
  });

  it('checkpoints workspace changes before a push, so a push that ignores them is refused', async () => {
    await writeFile(path.join(workspace, 'app.js'), 'console.log(2);\n');
    await writeFile(path.join(clone, 'index.html'), '<h1>v3</h1>\n');
    await git(clone, ['commit', '-qam', 'Based on the old head']);

    await expect(git(clone, ['push', '-q', 'origin', 'main'])).rejects.toThrow(/rejected/);
    const [beforePush] = await service.list(projectId);
    expect(beforePush?.message).toBe('Before push');
    expect(await read('index.html')).toBe('<h1>v2</h1>\n');
    expect(await read('app.js')).toBe('console.log(2);\n');

    await expect(git(clone, ['push', '-q', '--force', 'origin', 'main'])).rejects.toThrow(/non-fast-forward/);
    expect((await service.list(projectId))[0]).toEqual(beforePush);
    expect(await read('index.html')).toBe('<h1>v2</h1>\n');
    expect(serverErrors).toEqual([]);
  });

  it('accepts the push once rebased onto the workspace, and stores other branches without applying them', async () => {
    await git(clone, ['pull', '-q', '--rebase', 'origin', 'main']);
    await git(clone, ['push', '-q', 'origin', 'main']);
    expect(await read('index.html')).toBe('<h1>v3</h1>\n');
    expect(await read('app.js')).toBe('console.log(2);\n');
    const head = (await service.list(projectId))[0];

    await git(clone, ['checkout', '-qb', 'feature']);
    await writeFile(path.join(clone, 'index.html'), '<h1>feature</h1>\n');
    await git(clone, ['commit', '-qam', 'Feature work']);
    await git(clone, ['push', '-q', 'origin', 'feature']);
    expect(await read('index.html')).toBe('<h1>v3</h1>\n');
    expect((await service.list(projectId))[0]).toEqual(head);
    expect(await git(clone, ['ls-remote', 'origin', 'refs/heads/feature'])).toContain('refs/heads/feature');
    expect(serverErrors).toEqual([]);
  });

  it('keeps unsaved edits to files a push does not change', async () => {
    await git(clone, ['checkout', '-q', 'main']);
    const prepared = await service.prepareForPush(projectId, workspace, owner);
    expect(prepared.checkpoint).toBeNull();
    await writeFile(path.join(clone, 'app.js'), 'console.log(3);\n');
    await git(clone, ['commit', '-qam', 'Only app.js']);
    // Straight into the shadow repository, to land between prepareForPush and applyPush.
    await git(clone, ['push', '-q', service.repoDir(projectId), 'main']);
    await writeFile(path.join(workspace, 'index.html'), '<h1>unsaved</h1>\n');

    const head = await service.applyPush(projectId, workspace, prepared.previousHead);
    expect(head?.message).toBe('Only app.js');
    expect(await read('app.js')).toBe('console.log(3);\n');
    expect(await read('index.html')).toBe('<h1>unsaved</h1>\n');
    expect(await service.applyPush(projectId, workspace, head!.id)).toBeNull();
  });

  it('does not overwrite unsaved edits to files a push changes', async () => {
    const prepared = await service.prepareForPush(projectId, workspace, owner);
    expect(prepared.checkpoint?.message).toBe('Before push');
    await git(clone, ['pull', '-q', '--rebase', 'origin', 'main']);
    await writeFile(path.join(clone, 'index.html'), '<h1>pushed</h1>\n');
    await writeFile(path.join(clone, 'app.js'), 'console.log("pushed");\n');
    await git(clone, ['commit', '-qam', 'Pushed while editing']);
    await git(clone, ['push', '-q', service.repoDir(projectId), 'main']);
    await writeFile(path.join(workspace, 'index.html'), '<h1>unsaved again</h1>\n');

    await expect(service.applyPush(projectId, workspace, prepared.previousHead)).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('Restore that checkpoint'),
    });
    expect(await read('index.html')).toBe('<h1>unsaved again</h1>\n');
    expect(await read('app.js')).toBe('console.log(3);\n');
    expect((await service.list(projectId))[0]?.message).toBe('Pushed while editing');
  });

  it('inflates gzip request bodies', async () => {
    const [head] = await service.list(projectId);
    const pkt = (line: string): string => `${(line.length + 4).toString(16).padStart(4, '0')}${line}`;
    const negotiation = `${pkt(`want ${head!.id}\n`)}0000${pkt('done\n')}`;
    const response = await gitHttpBackend({
      repoDir: service.repoDir(projectId),
      pathInfo: '/git-upload-pack',
      method: 'POST',
      queryString: '',
      contentType: 'application/x-git-upload-pack-request',
      contentEncoding: 'gzip',
      body: Readable.from([gzipSync(negotiation)]),
      remoteUser: owner.email,
    });
    expect(response.status).toBe(200);
    expect(response.headers['Content-Type']).toBe('application/x-git-upload-pack-result');
    const body = Buffer.concat((await response.body.toArray()) as Buffer[]);
    expect(body.subarray(0, 8).toString()).toBe('0008NAK\n');
    expect(body.subarray(8, 12).toString()).toBe('PACK');
    expect((await response.exited).code).toBe(0);
  });

  it('serves the smart protocol only', async () => {
    const base: GitHttpRequest = {
      repoDir: service.repoDir(projectId),
      pathInfo: '/info/refs',
      method: 'GET',
      queryString: 'service=git-upload-pack',
      contentType: undefined,
      body: undefined,
      remoteUser: owner.email,
    };
    await expect(gitHttpBackend({ ...base, pathInfo: '/objects/info/packs' })).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(gitHttpBackend({ ...base, queryString: '' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(gitHttpBackend({ ...base, pathInfo: '/git-upload-pack' })).rejects.toMatchObject({
      code: 'method_not_allowed',
    });
    await expect(gitHttpBackend({ ...base, contentEncoding: 'br' })).rejects.toMatchObject({
      code: 'unsupported_media_type',
    });
    const missing = await gitHttpBackend({
      ...base,
      repoDir: path.join(root, 'checkpoints', `${randomUUID()}.git`),
    });
    expect(missing.status).toBe(404);
    await missing.body.toArray();
  });
});
