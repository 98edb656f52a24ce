// @vitest-environment happy-dom
import { defaultPreferences } from '@vaporform/contracts';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { queryKeys } from '../../platform/queryKeys';
import { makeProject } from '../../testing/fixtures';
import { ToastProvider } from '../../ui/Toasts';
import { Breadcrumbs } from './Breadcrumbs';
import { useEditors } from './editorApi';
import { activeTabOf } from './editorsStore';
import { EditorsWith, useEditorsController, useEditorsSnapshot } from './EditorsWith';
import { TabStrip } from './TabStrip';
import { FakeCollabFiles, FakeDisk, FakeHost } from './testFakes';

// The project socket is not under test: no WebSocket here.
vi.mock('../../platform/projectEvents', () => ({ useProjectEvents: () => undefined }));

let disk: FakeDisk;
let host: FakeHost;
let collab: FakeCollabFiles;

/** The tab strip and the breadcrumbs of the editor area, without Monaco. */
function Tabs() {
  const controller = useEditorsController();
  const snapshot = useEditorsSnapshot(controller);
  const editors = useEditors();
  const active = activeTabOf(snapshot);
  return (
    <>
      <button type="button" onClick={() => editors.openFile('src/app.ts')}>
        Open app.ts
      </button>
      <TabStrip
        controller={controller}
        tabs={snapshot.tabs}
        activeId={snapshot.activeId}
        files={snapshot.files}
      />
      {active && <Breadcrumbs tab={active} file={snapshot.files.get(active.path)} canWrite />}
      <output aria-label="Dirty">{[...editors.dirtyPaths].join(',')}</output>
    </>
  );
}

function renderEditors(withCollab: boolean) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  client.setQueryData(queryKeys.preferences, { ...defaultPreferences, autosave: false });
  render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <EditorsWith
          project={makeProject({ permission: 'write' })}
          files={() => disk}
          models={() => host}
          collab={withCollab ? collab : null}
        >
          <Tabs />
        </EditorsWith>
      </ToastProvider>
    </QueryClientProvider>,
  );
}

beforeEach(() => {
  disk = new FakeDisk();
  host = new FakeHost();
  collab = new FakeCollabFiles(disk);
  disk.put('src/app.ts', 'const a = 1;\n');
});
afterEach(() => {
  cleanup();
});

const tab = () => screen.getByRole('tab', { name: 'app.ts' });
const saveState = () => screen.getByRole('status', { name: 'Save state' });

describe('EditorsWith and shared documents', () => {
  it('never marks a file bound to its shared document dirty, and shows its sync state instead', async () => {
    renderEditors(true);
    fireEvent.click(screen.getByRole('button', { name: 'Open app.ts' }));
    await waitFor(() => expect(saveState().textContent).toBe('Shared · Saved'));
    expect(collab.shown.at(-1)).toBe('src/app.ts');

    act(() => host.live('src/app.ts').set('const a = 2;\n'));
    expect(collab.last().text.toJSON()).toBe('const a = 2;\n');
    expect(tab().getAttribute('data-state')).toBe('saved');
    expect(tab().getAttribute('data-shared')).toBe('synced');
    expect(screen.getByRole('button', { name: 'Close app.ts' }).hasAttribute('data-dirty')).toBe(false);
    expect(screen.getByLabelText('Dirty').textContent).toBe('');

    act(() => collab.last().set({ status: 'unsynced' }));
    expect(saveState().textContent).toBe('Shared · Syncing…');
    expect(saveState().getAttribute('data-shared')).toBe('unsynced');
    act(() => collab.last().set({ status: 'offline' }));
    expect(tab().getAttribute('data-shared')).toBe('offline');
    expect(tab().title).toContain('offline');
  });

  it('marks the same edit dirty when the file is edited through the files API', async () => {
    renderEditors(false);
    fireEvent.click(screen.getByRole('button', { name: 'Open app.ts' }));
    await waitFor(() => expect(saveState().textContent).toBe('Saved'));
    act(() => host.live('src/app.ts').set('const a = 2;\n'));
    expect(tab().getAttribute('data-state')).toBe('dirty');
    expect(saveState().textContent).toBe('Unsaved changes');
    expect(screen.getByLabelText('Dirty').textContent).toBe('src/app.ts');
  });
});
