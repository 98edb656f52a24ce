import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EditorsController, fileTabId } from './editorsController';
import { FakeCollabFiles, FakeDisk, FakeHost } from './testFakes';

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

let disk: FakeDisk;
let host: FakeHost;
let collab: FakeCollabFiles;
let errors: unknown[];
let editors: EditorsController;

beforeEach(() => {
  disk = new FakeDisk();
  host = new FakeHost();
  collab = new FakeCollabFiles(disk);
  errors = [];
  editors = new EditorsController({
    files: disk,
    models: host,
    onError: (error) => errors.push(error),
    autosave: true,
    autosaveDelayMs: 10,
    collab,
  });
  disk.put('src/app.ts', 'const a = 1;\n');
  disk.put('logo.png', 'x');
  disk.binary.add('logo.png');
});
afterEach(() => {
  vi.useRealTimers();
});

async function open(path: string) {
  editors.openFile(path);
  await settle();
  return host.live(path);
}

describe('EditorsController with shared documents', () => {
  it('binds a text file to its document: edits are shared, never dirty, never written by the editor', async () => {
    const model = await open('src/app.ts');
    const file = collab.last();
    expect(editors.file('src/app.ts')).toMatchObject({ status: 'ready', shared: 'synced', dirty: false });

    model.set('const a = 2;\n');
    expect(file.text.toJSON()).toBe('const a = 2;\n');
    expect(editors.file('src/app.ts')?.dirty).toBe(false);
    expect(editors.dirtyPaths()).toEqual([]);

    // Someone else types: the model follows.
    file.remoteInsert(0, '// hi\n');
    expect(model.text).toBe('// hi\nconst a = 2;\n');

    // Ctrl+S confirms; autosave has nothing to do: the server writes the document.
    expect(await editors.save('src/app.ts')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(disk.writes).toEqual([]);
  });

  it('shows how far local changes got, and joins read-only when the server says so', async () => {
    await open('src/app.ts');
    const file = collab.last();
    file.set({ status: 'unsynced' });
    expect(editors.file('src/app.ts')?.shared).toBe('unsynced');
    file.set({ status: 'offline', readOnly: true });
    expect(editors.file('src/app.ts')).toMatchObject({ shared: 'offline', readOnly: true, dirty: false });
  });

  it('joins a fresh copy when the server closes the document, but does not loop', async () => {
    await open('src/app.ts');
    const first = collab.last();
    first.set({ status: 'offline', readOnly: true, closed: true });
    await settle();
    expect(first.disposed).toBe(true);
    const second = collab.last();
    expect(second).not.toBe(first);
    expect(editors.file('src/app.ts')).toMatchObject({ status: 'ready', shared: 'synced', readOnly: false });
    expect(host.live('src/app.ts').text).toBe('const a = 1;\n');

    // Closed again at once: it stays as it is (read-only, offline) rather than joining in a loop.
    second.set({ status: 'offline', readOnly: true, closed: true });
    await settle();
    expect(second.disposed).toBe(false);
    expect(editors.file('src/app.ts')).toMatchObject({ shared: 'offline', readOnly: true });
  });

  it('uses the files API when co-editing is unavailable', async () => {
    collab.available = false;
    const model = await open('src/app.ts');
    expect(editors.file('src/app.ts')).toMatchObject({ status: 'ready', shared: null });
    model.set('changed\n');
    expect(editors.file('src/app.ts')?.dirty).toBe(true);
    expect(await editors.save('src/app.ts')).toBe(true);
    expect(disk.writes.map((write) => write.text)).toEqual(['changed\n']);
  });

  it('never joins a document for a binary file', async () => {
    editors.openFile('logo.png');
    await settle();
    expect(editors.file('logo.png')?.status).toBe('binary');
    expect(collab.opened).toEqual([]);
  });

  it('reads a shared file only when it may have been deleted or recreated', async () => {
    await open('src/app.ts');
    const read = vi.spyOn(disk, 'read');
    editors.fileChanged('src/app.ts', 'modified');
    await settle();
    expect(read).not.toHaveBeenCalled();

    disk.files.delete('src/app.ts');
    editors.fileChanged('src/app.ts', 'deleted');
    await settle();
    expect(editors.file('src/app.ts')).toMatchObject({
      deletedOnDisk: true,
      dirty: false,
      changedOnDisk: false,
    });

    disk.put('src/app.ts', 'back\n');
    editors.fileChanged('src/app.ts', 'created');
    await settle();
    expect(editors.file('src/app.ts')?.deletedOnDisk).toBe(false);
    // The document, not the disk, is the content.
    expect(host.live('src/app.ts').text).toBe('const a = 1;\n');
  });

  it('leaves the document when the tab closes, and rejoins at the new path after a rename', async () => {
    await open('src/app.ts');
    const first = collab.last();
    editors.renamed('src/app.ts', 'src/main.ts');
    disk.put('src/main.ts', 'const a = 1;\n');
    await settle();
    expect(first.disposed).toBe(true);
    expect(editors.file('src/main.ts')).toMatchObject({ status: 'ready', shared: 'synced' });
    expect(editors.activeTab()?.path).toBe('src/main.ts');

    const second = collab.last();
    expect(second).not.toBe(first);
    editors.requestClose(fileTabId('src/main.ts'));
    expect(editors.getSnapshot().pendingClose).toBeNull();
    expect(second.disposed).toBe(true);
  });

  it('leaves a document that synced after its tab closed', async () => {
    collab.hold();
    editors.openFile('src/app.ts');
    await settle();
    expect(collab.opened).toHaveLength(1);
    editors.close(fileTabId('src/app.ts'));
    collab.release();
    await settle();
    expect(collab.last().disposed).toBe(true);
  });

  it('binds files opened after co-editing arrives', async () => {
    editors.setCollab(null);
    await open('src/app.ts');
    expect(editors.file('src/app.ts')?.shared).toBeNull();
    editors.setCollab(collab);
    disk.put('src/b.ts', 'b\n');
    await open('src/b.ts');
    expect(editors.file('src/b.ts')?.shared).toBe('synced');
  });
});
