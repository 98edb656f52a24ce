import { buffer } from 'node:stream/consumers';
import yazl from 'yazl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../apps/server/src/testing/testDatabases.js';
import { startTestServer, type TestServer } from '../apps/server/src/testing/testServer.js';

const [pglite] = testDatabaseKinds();

describe('workspace files through the API', () => {
  let server: TestServer;
  let token: string;
  let base: string;

  beforeAll(async () => {
    server = await startTestServer(await pglite!.open(), {
      env: { VAPORFORM_MAX_FILE_BYTES: String(64 * 1024), VAPORFORM_MAX_IMPORT_BYTES: String(256 * 1024) },
    });
    ({ token } = await server.userWithToken('dev@example.com'));
    const project = await server.request({
      method: 'POST',
      url: '/api/projects',
      token,
      body: { name: 'Files', templateId: 'node-express' },
    });
    base = `/api/projects/${project.json<{ id: string }>().id}`;
  });
  afterAll(async () => server?.close());

  const put = (file: string, payload: string | Buffer, headers: Record<string, string> = {}) =>
    server.app.inject({
      method: 'PUT',
      url: `${base}/files/${file}`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', ...headers },
      payload,
    });
  const get = (file: string, headers: Record<string, string> = {}) =>
    server.app.inject({
      method: 'GET',
      url: `${base}/files/${file}`,
      headers: { authorization: `Bearer ${token}`, ...headers },
    });

  it('writes, reads with an ETag, answers 304, and refuses a stale If-Match with 409', async () => {
    const created = await put('src/hello.ts', 'export const hello = 1;\n');
    expect(created.statusCode).toBe(201);
    const etag = created.headers.etag as string;
    const read = await get('src/hello.ts');
    expect(read.body).toBe('export const hello = 1;\n');
    expect(read.headers.etag).toBe(etag);
    expect((await get('src/hello.ts', { 'if-none-match': etag })).statusCode).toBe(304);

    const updated = await put('src/hello.ts', 'export const hello = 2;\n', { 'if-match': etag });
    expect(updated.statusCode).toBe(200);
    const stale = await put('src/hello.ts', 'export const hello = 3;\n', { 'if-match': etag });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ error: { code: 'conflict' } });
    expect((await get('src/hello.ts')).body).toBe('export const hello = 2;\n');
  });

  it('accepts a JSON file body as bytes, not as a parsed object', async () => {
    const response = await put('config.json', '{"a": 1,\n "b": [2]}\n', {
      'content-type': 'application/json',
    });
    expect(response.statusCode).toBe(201);
    expect((await get('config.json')).body).toBe('{"a": 1,\n "b": [2]}\n');
  });

  it('refuses traversal, absolute and NUL paths without touching the disk', async () => {
    for (const url of [
      `${base}/files/../../../etc/passwd`,
      `${base}/files/%2e%2e/%2e%2e/etc/passwd`,
      `${base}/files/a%00b`,
    ]) {
      const response = await server.app.inject({
        method: 'GET',
        url,
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(response.statusCode, url).toBeLessThan(500);
      expect(response.body).not.toContain('root:');
    }
    // URL parsers fold an encoded `..` before routing; either way the write must not land.
    const write = await put('%2e%2e/escape.txt', 'x');
    expect([400, 404]).toContain(write.statusCode);
    const literal = await put('dir/..%2Fescape.txt', 'x');
    expect([400, 404]).toContain(literal.statusCode);
  });

  it('answers clear 4xx for a directory path, a binary read as text, and an oversize file', async () => {
    expect((await put('src/', 'x')).statusCode).toBe(400);
    expect((await put('src', 'x')).statusCode).toBe(400);
    await put('logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]));
    const asText = await get('logo.png?encoding=utf8');
    expect(asText.statusCode).toBe(415);
    expect((await get('logo.png')).headers['content-type']).toBe('image/png');
    const huge = await put('huge.bin', Buffer.alloc(100 * 1024));
    expect(huge.statusCode).toBe(413);
    expect((await get('huge.bin')).statusCode).toBe(404);
  });

  it('serves HTML from a workspace as inert text with a sandboxing policy', async () => {
    await put('evil.html', '<script>alert(document.cookie)</script>');
    const response = await get('evil.html');
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.headers['content-security-policy']).toMatch(/sandbox/);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('creates folders, moves and deletes', async () => {
    const mkdir = await server.request({
      method: 'POST',
      url: `${base}/directories`,
      token,
      body: { path: 'lib/util' },
    });
    expect(mkdir.statusCode).toBe(201);
    await put('lib/util/a.ts', 'a');
    const moved = await server.request({
      method: 'POST',
      url: `${base}/move`,
      token,
      body: { from: 'lib/util/a.ts', to: 'lib/b.ts' },
    });
    expect(moved.json()).toEqual({ from: 'lib/util/a.ts', to: 'lib/b.ts' });
    expect((await get('lib/b.ts')).body).toBe('a');
    const removed = await server.request({ method: 'DELETE', url: `${base}/files/lib`, token });
    expect(removed.statusCode).toBe(204);
    expect((await get('lib/b.ts')).statusCode).toBe(404);
  });

  it('searches across files', async () => {
    await put('src/search-me.ts', 'const needle = "haystack";\n');
    const response = await server.request({
      method: 'POST',
      url: `${base}/search`,
      token,
      body: { query: 'needle', include: ['src/**'] },
    });
    expect(response.json()).toMatchObject({ matches: [{ path: 'src/search-me.ts', line: 1, column: 7 }] });
  });

  it('downloads the project as a zip and imports it into another project', async () => {
    await put('zipped/inside.txt', 'round trip');
    const download = await server.app.inject({
      method: 'GET',
      url: `${base}/download`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(download.headers['content-type']).toBe('application/zip');
    expect(download.rawPayload.subarray(0, 2).toString()).toBe('PK');
    const other = await server.request({
      method: 'POST',
      url: '/api/projects',
      token,
      body: { name: 'Copy', templateId: 'node-express' },
    });
    const otherBase = `/api/projects/${other.json<{ id: string }>().id}`;
    const imported = await server.app.inject({
      method: 'POST',
      url: `${otherBase}/import`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/zip' },
      payload: download.rawPayload,
    });
    expect(imported.statusCode).toBe(200);
    const copied = await server.app.inject({
      method: 'GET',
      url: `${otherBase}/files/zipped/inside.txt`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(copied.body).toBe('round trip');
  });

  it('refuses a zip with a traversal entry and writes nothing', async () => {
    const zip = new yazl.ZipFile();
    zip.addBuffer(Buffer.from('ok'), 'first.txt');
    zip.addBuffer(Buffer.from('pwned'), 'xx/evil.txt');
    zip.end();
    const archive = Buffer.from(
      (await buffer(zip.outputStream)).toString('latin1').replaceAll('xx/evil.txt', '../evil.txt'),
      'latin1',
    );
    const response = await server.app.inject({
      method: 'POST',
      url: `${base}/import`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/zip' },
      payload: archive,
    });
    expect(response.statusCode).toBe(400);
    expect((await get('first.txt')).statusCode).toBe(404);
  });

  it('refuses an import over the size limit, declared or streamed', async () => {
    const declared = await server.app.inject({
      method: 'POST',
      url: `${base}/import`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/zip' },
      payload: Buffer.alloc(512 * 1024),
    });
    expect(declared.statusCode).toBe(413);
    const { Readable } = await import('node:stream');
    const streamed = await server.app.inject({
      method: 'POST',
      url: `${base}/import`,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/zip',
        'transfer-encoding': 'chunked',
      },
      payload: Readable.from(Array.from({ length: 64 }, () => Buffer.alloc(8 * 1024))),
    });
    expect(streamed.statusCode).toBe(413);
    expect(streamed.json()).toMatchObject({ error: { code: 'payload_too_large' } });
  });

  it('answers a malformed URL in the error model', async () => {
    const response = await server.app.inject({
      method: 'GET',
      url: `${base}/files/%ff%fe`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'bad_request' } });
  });

  it('uploads files with multipart/form-data', async () => {
    const form = new FormData();
    form.append('file', new Blob(['uploaded one']), 'one.txt');
    form.append('file', new Blob(['uploaded two']), 'two.txt');
    const request = new Request('http://x', { method: 'POST', body: form });
    const response = await server.app.inject({
      method: 'POST',
      url: `${base}/upload?dir=uploads`,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': request.headers.get('content-type') ?? '',
      },
      payload: Buffer.from(await request.arrayBuffer()),
    });
    expect(response.statusCode).toBe(201);
    expect(response.json<{ path: string }[]>().map((file) => file.path)).toEqual([
      'uploads/one.txt',
      'uploads/two.txt',
    ]);
    expect((await get('uploads/two.txt')).body).toBe('uploaded two');
  });

  it('refuses an oversize upload and keeps none of it', async () => {
    const form = new FormData();
    form.append('file', new Blob([Buffer.alloc(100 * 1024, 97)]), 'too-big.txt');
    const request = new Request('http://x', { method: 'POST', body: form });
    const response = await server.app.inject({
      method: 'POST',
      url: `${base}/upload`,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': request.headers.get('content-type') ?? '',
      },
      payload: Buffer.from(await request.arrayBuffer()),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ error: { code: 'payload_too_large' } });
    expect((await get('too-big.txt')).statusCode).toBe(404);
  });

  it('lists the tree without node_modules and with the template files', async () => {
    await put('node_modules/dep/index.js', 'x');
    const tree = await server.request({ method: 'GET', url: `${base}/tree`, token });
    const names = tree.json<{ root: { path: string }[] }>().root.map((entry) => entry.path);
    expect(names).toContain('package.json');
    expect(names).not.toContain('node_modules');
    const all = await server.request({ method: 'GET', url: `${base}/tree?all=true`, token });
    expect(all.json<{ root: { path: string }[] }>().root.map((entry) => entry.path)).toContain(
      'node_modules',
    );
  });
});
