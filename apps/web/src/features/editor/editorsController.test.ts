import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EditorsController, fileTabId } from './editorsController';
import { FakeDisk, FakeHost } from './testFakes';

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

let disk: FakeDisk;
let host: FakeHost;
let errors: unknown[];
let editors: EditorsController;

beforeEach(() => {
  disk = new FakeDisk();
  host = new FakeHost();
  errors = [];
  editors = new EditorsController({ files: disk, models: host, onError: (error) => errors.push(error) });
  disk.put('src/app.ts', 'const a = 1;\nconst b = 2;\n');
  disk.put('src/util.ts', 'export {};\n');
  disk.put('README.md', '# Hi\n');
});
afterEach(() => {
  vi.useRealTimers();
});

async function open(path: string) {
  editors.openFile(path);
  await settle();
  return host.live(path);
}

describe('EditorsController', () => {
  it('opens a file into one model, tracks dirty against the saved version, and saves with If-Match', async () => {
    editors.openFile('src/app.ts', { line: 2, column: 3 });
    expect(editors.file('src/app.ts')?.status).toBe('loading');
    expect(editors.getSnapshot().reveal).toMatchObject({
      path: 'src/app.ts',
      line: 2,
      column: 3,
      focus: true,
    });
    await settle();
    const model = host.live('src/app.ts');
    expect(editors.file('src/app.ts')).toMatchObject({
      status: 'ready',
      uri: 'file:///src/app.ts',
      dirty: false,
    });

    model.set('const a = 10;\nconst b = 2;\n');
    expect(editors.file('src/app.ts')?.dirty).toBe(true);
    model.set('const a = 1;\nconst b = 2;\n'); // undo back to the saved text
    expect(editors.file('src/app.ts')?.dirty).toBe(false);

    model.set('changed\n');
    const etag = editors.file('src/app.ts')!.etag!;
    expect(await editors.save('src/app.ts')).toBe(true);
    expect(disk.writes.at(-1)).toMatchObject({
      path: 'src/app.ts',
      text: 'changed\n',
      options: { ifMatch: etag },
    });
    expect(editors.file('src/app.ts')).toMatchObject({
      dirty: false,
      etag: disk.files.get('src/app.ts')!.etag,
    });

    // Opening again only focuses the tab.
    editors.openFile('src/app.ts');
    expect(editors.getSnapshot().tabs).toHaveLength(1);
  });

  it('turns a 409 into a conflict with overwrite, reload and compare', async () => {
    const model = await open('src/app.ts');
    model.set('mine\n');
    disk.put('src/app.ts', 'theirs\n');
    expect(await editors.save('src/app.ts')).toBe(false);
    expect(editors.file('src/app.ts')).toMatchObject({ conflict: true, dirty: true, saving: false });
    expect(errors).toEqual([]);

    editors.compareWithDisk('src/app.ts');
    await settle();
    const diff = editors.activeTab();
    expect(diff).toMatchObject({ kind: 'diff', status: 'ready', live: true, modifiedUri: null });
    expect(host.models.find((m) => m.uri === (diff as { originalUri: string }).originalUri)?.text).toBe(
      'theirs\n',
    );

    expect(await editors.save('src/app.ts', { overwrite: true })).toBe(true);
    expect(disk.files.get('src/app.ts')?.text).toBe('mine\n');
    expect(editors.file('src/app.ts')).toMatchObject({ conflict: false, dirty: false });
  });

  it('reloads theirs on request, keeping the model (and its undo history)', async () => {
    const model = await open('src/app.ts');
    model.set('mine\n');
    disk.put('src/app.ts', 'theirs\n');
    await editors.save('src/app.ts');
    await editors.revert('src/app.ts');
    expect(host.live('src/app.ts')).toBe(model);
    expect(model.text).toBe('theirs\n');
    expect(editors.file('src/app.ts')).toMatchObject({ conflict: false, dirty: false });
    expect(editors.file('src/app.ts')?.etag).toBe(disk.files.get('src/app.ts')!.etag);
  });

  it('follows changes on disk: clean files update with minimal edits, dirty ones are marked', async () => {
    const app = await open('src/app.ts');
    const util = await open('src/util.ts');
    util.set('export const x = 1;\n');

    disk.put('src/app.ts', 'const a = 1;\nconst b = 3;\n');
    disk.put('src/util.ts', 'export const y = 2;\n');
    editors.fileChanged('src');
    await settle();
    expect(app.text).toBe('const a = 1;\nconst b = 3;\n');
    expect(app.edits).toBe(1);
    expect(editors.file('src/app.ts')).toMatchObject({ dirty: false, changedOnDisk: false });
    expect(util.text).toBe('export const x = 1;\n');
    expect(editors.file('src/util.ts')).toMatchObject({ dirty: true, changedOnDisk: true });

    // Our own save's echo changes nothing.
    await editors.save('src/app.ts');
    editors.fileChanged('src/app.ts');
    await settle();
    expect(app.edits).toBe(1);
  });

  it('marks files deleted on disk and recreates them on save', async () => {
    const model = await open('README.md');
    disk.files.delete('README.md');
    editors.fileChanged('README.md');
    await settle();
    expect(editors.file('README.md')).toMatchObject({ deletedOnDisk: true, status: 'ready' });
    model.set('# Back\n');
    expect(await editors.save('README.md')).toBe(true);
    expect(disk.writes.at(-1)?.options).toMatchObject({ ifNoneMatch: '*' });
    expect(editors.file('README.md')).toMatchObject({ deletedOnDisk: false, dirty: false });
  });

  it('autosaves a second after the last keystroke, and not into a conflict', async () => {
    vi.useFakeTimers();
    editors.setAutosave(true);
    editors.openFile('src/app.ts');
    await vi.runOnlyPendingTimersAsync();
    const model = host.live('src/app.ts');
    model.set('one');
    await vi.advanceTimersByTimeAsync(600);
    model.set('two');
    await vi.advanceTimersByTimeAsync(600);
    expect(disk.writes).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(500);
    expect(disk.writes.map((write) => write.text)).toEqual(['two']);

    disk.put('src/app.ts', 'elsewhere');
    model.set('three');
    await vi.advanceTimersByTimeAsync(1100);
    expect(editors.file('src/app.ts')?.conflict).toBe(true);
    model.set('four');
    await vi.advanceTimersByTimeAsync(5000);
    expect(disk.writes).toHaveLength(1);
  });

  it('asks before closing a tab with unsaved changes', async () => {
    const model = await open('src/app.ts');
    model.set('edited');
    editors.requestClose(fileTabId('src/app.ts'));
    expect(editors.getSnapshot().pendingClose).toBe(fileTabId('src/app.ts'));
    await editors.resolvePendingClose('cancel');
    expect(editors.getSnapshot().tabs).toHaveLength(1);

    editors.requestClose(fileTabId('src/app.ts'));
    await editors.resolvePendingClose('save');
    expect(disk.files.get('src/app.ts')?.text).toBe('edited');
    expect(editors.getSnapshot().tabs).toHaveLength(0);
    expect(model.disposed).toBe(true);

    const again = await open('src/app.ts');
    again.set('dropped');
    editors.requestClose(fileTabId('src/app.ts'));
    await editors.resolvePendingClose('discard');
    expect(disk.files.get('src/app.ts')?.text).toBe('edited');
  });

  it('activates the most recently used tab when the active one closes', async () => {
    await open('src/app.ts');
    await open('src/util.ts');
    await open('README.md');
    editors.activate(fileTabId('src/app.ts'));
    editors.activate(fileTabId('README.md'));
    editors.close(fileTabId('README.md'));
    expect(editors.getSnapshot().activeId).toBe(fileTabId('src/app.ts'));
    // New tabs open to the right of the active one.
    await open('new.txt');
    expect(editors.getSnapshot().tabs.map((tab) => tab.path)).toEqual([
      'src/app.ts',
      'new.txt',
      'src/util.ts',
    ]);
    expect(editors.file('new.txt')?.status).toBe('missing');
  });

  it('moves tabs with a rename, keeping unsaved text, and closes clean tabs of deleted files', async () => {
    const app = await open('src/app.ts');
    await open('src/util.ts');
    app.set('unsaved');
    disk.files.set('lib/app.ts', disk.files.get('src/app.ts')!);
    disk.files.set('lib/util.ts', disk.files.get('src/util.ts')!);
    editors.renamed('src', 'lib');
    expect(editors.getSnapshot().tabs.map((tab) => tab.id)).toEqual([
      fileTabId('lib/app.ts'),
      fileTabId('lib/util.ts'),
    ]);
    expect(editors.getSnapshot().activeId).toBe(fileTabId('lib/util.ts'));
    expect(app.disposed).toBe(true);
    expect(host.live('lib/app.ts').text).toBe('unsaved');
    expect(editors.file('lib/app.ts')).toMatchObject({ dirty: true, uri: 'file:///lib/app.ts' });
    expect(editors.file('lib/util.ts')?.dirty).toBe(false);

    editors.deleted('lib');
    expect(editors.getSnapshot().tabs.map((tab) => tab.path)).toEqual(['lib/app.ts']);
    expect(editors.file('lib/app.ts')?.deletedOnDisk).toBe(true);
  });

  it('shows binary and missing files as such, and never saves for a reader', async () => {
    disk.binary.add('logo.png');
    await open('logo.png').catch(() => undefined);
    expect(editors.file('logo.png')).toMatchObject({ status: 'binary', size: 10 });

    editors.setCanWrite(false);
    const model = await open('src/app.ts');
    model.set('nope');
    expect(await editors.save('src/app.ts')).toBe(false);
    expect(disk.writes).toHaveLength(0);
  });

  it('opens a checkpoint diff against the workspace, live when the file is open', async () => {
    disk.checkpoints.set('abcdef1234', new Map([['src/app.ts', 'old\n']]));
    editors.openDiff({ path: 'src/app.ts', from: 'abcdef1234' });
    await settle();
    const snapshot = editors.activeTab();
    expect(snapshot).toMatchObject({
      kind: 'diff',
      status: 'ready',
      live: false,
      title: 'app.ts (abcdef1 ↔ Workspace)',
    });
    const uris = snapshot as { originalUri: string; modifiedUri: string };
    expect(host.models.find((m) => m.uri === uris.originalUri)?.text).toBe('old\n');
    expect(host.models.find((m) => m.uri === uris.modifiedUri)?.text).toBe('const a = 1;\nconst b = 2;\n');

    // A file absent at the checkpoint compares with an empty side.
    editors.openDiff({ path: 'README.md', from: 'abcdef1234' });
    await settle();
    expect(editors.activeTab()).toMatchObject({ status: 'ready' });

    await open('src/util.ts');
    editors.openDiff({ path: 'src/util.ts', from: 'abcdef1234', title: 'util' });
    await settle();
    expect(editors.activeTab()).toMatchObject({ title: 'util', live: true, modifiedUri: null });
    editors.close(fileTabId('src/util.ts'));
    expect(editors.getSnapshot().tabs.some((tab) => tab.kind === 'diff' && tab.title === 'util')).toBe(false);

    const diffModels = host.models.filter((m) => m.uri.startsWith('snapshot:'));
    editors.dispose();
    expect(diffModels.every((m) => m.disposed)).toBe(true);
  });
});
