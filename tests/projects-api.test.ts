import { existsSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseKinds } from '../apps/server/src/testing/testDatabases.js';
import { startTestServer, type TestServer } from '../apps/server/src/testing/testServer.js';

const [pglite] = testDatabaseKinds();

interface ProjectJson {
  id: string;
  slug: string;
  name: string;
  permission: string;
  visibility: string;
  ownerId: string;
  lastOpenedAt: string | null;
}
interface TreeJson {
  root: { path: string; children?: TreeJson['root'] }[];
}
const paths = (entries: TreeJson['root']): string[] =>
  entries.flatMap((entry) => [entry.path, ...paths(entry.children ?? [])]);

describe('projects, templates and sharing through the API', () => {
  let server: TestServer;
  let owner: { token: string; userId: string };
  let reader: { token: string; userId: string };
  let writer: { token: string; userId: string };

  beforeAll(async () => {
    server = await startTestServer(await pglite!.open());
    // The first account is the platform admin, who may see every project; keep it out of the way.
    await server.signup('platform-admin@example.com');
    owner = await server.userWithToken('owner@example.com');
    reader = await server.userWithToken('reader@example.com');
    writer = await server.userWithToken('writer@example.com');
  });
  afterAll(async () => server?.close());

  const create = (token: string, body: object) =>
    server.request({ method: 'POST', url: '/api/projects', token, body });

  it('offers the templates, and creates a project from each with its files and no manifest', async () => {
    const templates = (await server.request({ method: 'GET', url: '/api/templates' })).json<
      { id: string }[]
    >();
    expect(templates.map((template) => template.id)).toEqual(
      expect.arrayContaining(['node-express', 'python-flask']),
    );
    for (const template of templates) {
      const response = await create(owner.token, { name: `From ${template.id}`, templateId: template.id });
      expect(response.statusCode, template.id).toBe(201);
      const project = response.json<ProjectJson>();
      expect(project).toMatchObject({
        slug: `from-${template.id}`,
        permission: 'admin',
        visibility: 'private',
      });
      const tree = await server.request({
        method: 'GET',
        url: `/api/projects/${project.id}/tree`,
        token: owner.token,
      });
      const files = paths(tree.json<TreeJson>().root);
      expect(files, template.id).toContain('README.md');
      expect(files, template.id).not.toContain('template.json');
    }
  });

  it('refuses an unknown template and leaves nothing behind', async () => {
    const before = (await server.request({ method: 'GET', url: '/api/projects', token: writer.token })).json<
      unknown[]
    >();
    const response = await create(writer.token, { name: 'Nope', templateId: 'cobol-mainframe' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      error: { code: 'validation_failed', message: expect.stringMatching(/template/) },
    });
    const after = (await server.request({ method: 'GET', url: '/api/projects', token: writer.token })).json<
      unknown[]
    >();
    expect(after).toHaveLength(before.length);
  });

  it('gives duplicate names distinct slugs and refuses a duplicate explicit slug', async () => {
    const first = (
      await create(owner.token, { name: 'Same Name', templateId: 'node-express' })
    ).json<ProjectJson>();
    const second = (
      await create(owner.token, { name: 'Same Name', templateId: 'node-express' })
    ).json<ProjectJson>();
    expect(first.slug).toBe('same-name');
    expect(second.slug).toMatch(/^same-name-[0-9a-f]{6}$/);
    const taken = await create(owner.token, { name: 'Other', templateId: 'node-express', slug: 'same-name' });
    expect(taken.statusCode).toBe(409);
    const invalid = await create(owner.token, {
      name: 'Bad',
      templateId: 'node-express',
      slug: 'Not A Slug',
    });
    expect(invalid.statusCode).toBe(400);
  });

  it('refuses reserved slugs and NUL characters with 400', async () => {
    const reserved = await create(owner.token, {
      name: 'Preview',
      templateId: 'node-express',
      slug: 'preview',
    });
    expect(reserved.statusCode).toBe(400);
    expect(reserved.json()).toMatchObject({ error: { message: expect.stringMatching(/reserved/) } });
    const nul = await create(owner.token, { name: 'Bad\u0000Name', templateId: 'node-express' });
    expect(nul.statusCode).toBe(400);
  });

  it('lets only the owner delete, not another admin member', async () => {
    const project = (
      await create(owner.token, { name: 'Guarded', templateId: 'node-express' })
    ).json<ProjectJson>();
    await server.request({
      method: 'PUT',
      url: `/api/projects/${project.id}/members/${writer.userId}`,
      token: owner.token,
      body: { permission: 'admin' },
    });
    const adminMember = await server.request({
      method: 'DELETE',
      url: `/api/projects/${project.id}`,
      token: writer.token,
    });
    expect(adminMember.statusCode).toBe(403);
  });

  it('shares with read and write members and enforces each permission', async () => {
    const project = (
      await create(owner.token, { name: 'Shared', templateId: 'node-express' })
    ).json<ProjectJson>();
    const base = `/api/projects/${project.id}`;
    expect((await server.request({ method: 'GET', url: base, token: reader.token })).statusCode).toBe(404);

    const added = await server.request({
      method: 'POST',
      url: `${base}/members`,
      token: owner.token,
      body: { email: 'READER@example.com', permission: 'read' },
    });
    expect(added.statusCode).toBe(201);
    await server.request({
      method: 'PUT',
      url: `${base}/members/${writer.userId}`,
      token: owner.token,
      body: { permission: 'write' },
    });

    const asReader = await server.request({ method: 'GET', url: base, token: reader.token });
    expect(asReader.json()).toMatchObject({ permission: 'read' });
    expect(
      (await server.request({ method: 'GET', url: `${base}/files/README.md`, token: reader.token }))
        .statusCode,
    ).toBe(200);
    const readerWrite = await server.app.inject({
      method: 'PUT',
      url: `${base}/files/README.md`,
      headers: { authorization: `Bearer ${reader.token}`, 'content-type': 'text/plain' },
      payload: 'defaced',
    });
    expect(readerWrite.statusCode).toBe(403);
    expect(readerWrite.json()).toMatchObject({ error: { message: expect.stringContaining("'write'") } });
    const readerShares = await server.request({
      method: 'POST',
      url: `${base}/members`,
      token: reader.token,
      body: { email: 'writer@example.com', permission: 'admin' },
    });
    expect(readerShares.statusCode).toBe(403);

    const writerWrite = await server.app.inject({
      method: 'PUT',
      url: `${base}/files/NOTES.md`,
      headers: { authorization: `Bearer ${writer.token}`, 'content-type': 'text/markdown' },
      payload: '# notes',
    });
    expect(writerWrite.statusCode).toBe(201);
    const rename = await server.request({
      method: 'PATCH',
      url: base,
      token: writer.token,
      body: { name: 'Renamed' },
    });
    expect(rename.json()).toMatchObject({ name: 'Renamed', slug: project.slug });
    const publish = await server.request({
      method: 'PATCH',
      url: base,
      token: writer.token,
      body: { visibility: 'public' },
    });
    expect(publish.statusCode).toBe(403);

    const members = (
      await server.request({ method: 'GET', url: `${base}/members`, token: reader.token })
    ).json<{ email: string; permission: string; isOwner: boolean }[]>();
    expect(members.map((member) => [member.email, member.permission, member.isOwner])).toEqual([
      ['owner@example.com', 'admin', true],
      ['reader@example.com', 'read', false],
      ['writer@example.com', 'write', false],
    ]);
    const sharedList = (
      await server.request({ method: 'GET', url: '/api/projects', token: reader.token })
    ).json<ProjectJson[]>();
    expect(sharedList.map((entry) => entry.id)).toContain(project.id);
  });

  it('keeps the owner an admin and transfers ownership only to a member', async () => {
    const project = (
      await create(owner.token, { name: 'Owned', templateId: 'node-express' })
    ).json<ProjectJson>();
    const base = `/api/projects/${project.id}`;
    const demote = await server.request({
      method: 'PUT',
      url: `${base}/members/${owner.userId}`,
      token: owner.token,
      body: { permission: 'read' },
    });
    expect(demote.statusCode).toBe(409);
    const removeOwner = await server.request({
      method: 'DELETE',
      url: `${base}/members/${owner.userId}`,
      token: owner.token,
    });
    expect(removeOwner.statusCode).toBe(409);
    const toStranger = await server.request({
      method: 'POST',
      url: `${base}/transfer`,
      token: owner.token,
      body: { userId: writer.userId },
    });
    expect(toStranger.statusCode).toBe(409);
    await server.request({
      method: 'PUT',
      url: `${base}/members/${writer.userId}`,
      token: owner.token,
      body: { permission: 'read' },
    });
    const transferred = await server.request({
      method: 'POST',
      url: `${base}/transfer`,
      token: owner.token,
      body: { userId: writer.userId },
    });
    expect(transferred.json()).toMatchObject({ ownerId: writer.userId });
    const asNewOwner = await server.request({ method: 'GET', url: base, token: writer.token });
    expect(asNewOwner.json()).toMatchObject({ permission: 'admin' });
    // The old owner keeps admin and may now leave.
    const leave = await server.request({
      method: 'DELETE',
      url: `${base}/members/${owner.userId}`,
      token: owner.token,
    });
    expect(leave.statusCode).toBe(204);
    expect((await server.request({ method: 'GET', url: base, token: owner.token })).statusCode).toBe(404);
  });

  it('records visits per user and lists the most recently opened first', async () => {
    const visitor = await server.userWithToken('visitor@example.com');
    const names = ['First', 'Second', 'Third'];
    const ids: string[] = [];
    for (const name of names) {
      const created = (await create(visitor.token, { name, templateId: 'node-express' })).json<ProjectJson>();
      expect(created.lastOpenedAt).toBeNull();
      ids.push(created.id);
    }
    const [first, second, third] = ids as [string, string, string];
    const list = async (token = visitor.token) =>
      (await server.request({ method: 'GET', url: '/api/projects', token })).json<ProjectJson[]>();
    const visit = (id: string, token = visitor.token) =>
      server.request({ method: 'POST', url: `/api/projects/${id}/visits`, token });
    // Never opened: newest change first.
    expect((await list()).map((project) => project.id)).toEqual([third, second, first]);

    const before = Date.now();
    expect((await visit(first)).statusCode).toBe(204);
    await sleep(5);
    expect((await visit(second)).statusCode).toBe(204);
    const listed = await list();
    expect(listed.map((project) => project.id)).toEqual([second, first, third]);
    expect(Date.parse(listed[1]!.lastOpenedAt ?? '')).toBeGreaterThanOrEqual(before - 1000);
    expect(listed[2]!.lastOpenedAt).toBeNull();

    // A change does not move a never-opened project ahead of opened ones; opening again moves it up.
    const renamed = await server.request({
      method: 'PATCH',
      url: `/api/projects/${third}`,
      token: visitor.token,
      body: { name: 'Third, renamed' },
    });
    expect(renamed.json<ProjectJson>().lastOpenedAt).toBeNull();
    expect((await list()).map((project) => project.id)).toEqual([second, first, third]);
    await sleep(5);
    await visit(first);
    expect((await list()).map((project) => project.id)).toEqual([first, second, third]);

    // lastOpenedAt is the caller's own: another member has not opened it.
    await server.request({
      method: 'PUT',
      url: `/api/projects/${first}/members/${reader.userId}`,
      token: visitor.token,
      body: { permission: 'read' },
    });
    const own = await server.request({ method: 'GET', url: `/api/projects/${first}`, token: visitor.token });
    expect(Date.parse(own.json<ProjectJson>().lastOpenedAt ?? '')).toBeGreaterThan(
      Date.parse(listed[0]!.lastOpenedAt ?? ''),
    );
    const theirs = await server.request({
      method: 'GET',
      url: `/api/projects/${first}`,
      token: reader.token,
    });
    expect(theirs.json<ProjectJson>().lastOpenedAt).toBeNull();
    expect((await visit(first, reader.token)).statusCode).toBe(204);
    expect((await list(reader.token)).find((project) => project.id === first)?.lastOpenedAt).toEqual(
      expect.any(String),
    );

    // Only members record visits; unknown and unshared projects look the same.
    expect((await visit(second, reader.token)).statusCode).toBe(404);
    expect((await server.request({ method: 'POST', url: `/api/projects/${second}/visits` })).statusCode).toBe(
      401,
    );
  });

  it('deletes a project with its workspace', async () => {
    const project = (
      await create(owner.token, { name: 'Doomed', templateId: 'node-express' })
    ).json<ProjectJson>();
    const workspace = path.join(server.dataDir, 'workspaces', project.id);
    expect(existsSync(workspace)).toBe(true);
    const reader404 = await server.request({
      method: 'DELETE',
      url: `/api/projects/${project.id}`,
      token: reader.token,
    });
    expect(reader404.statusCode).toBe(404);
    const deleted = await server.request({
      method: 'DELETE',
      url: `/api/projects/${project.id}`,
      token: owner.token,
    });
    expect(deleted.statusCode).toBe(204);
    for (let waited = 0; waited < 2000 && existsSync(workspace); waited += 50) await sleep(50);
    expect(existsSync(workspace)).toBe(false);
    expect(
      (await server.request({ method: 'GET', url: `/api/projects/${project.id}`, token: owner.token }))
        .statusCode,
    ).toBe(404);
  });
});
