// @vitest-environment happy-dom
import type { Project, TreeEntry } from '@vaporform/contracts';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CommandRegistry, CommandsContext } from '../../platform/commands';
import { makeProject } from '../../testing/fixtures';
import { json, stubApi, type ApiCall } from '../../testing/stubApi';
import { ToastProvider } from '../../ui/Toasts';
import type { Editors } from '../editor';
import { ExplorerView } from './ExplorerView';

// The project socket is not under test: no WebSocket in these tests.
vi.mock('../../platform/projectEvents', () => ({ useProjectEvents: () => undefined }));
// The editors are a recording fake (and Monaco stays out of the DOM tests).
vi.mock('../editor', () => ({ useEditors: () => editors }));

const projectId = '00000000-0000-4000-8000-000000000042';
const project = (permission: Project['permission']): Project => makeProject({ id: projectId, permission });

const file = (path: string): TreeEntry => ({ name: path.split('/').at(-1)!, path, type: 'file' });
const tree: TreeEntry[] = [
  file('README.md'),
  { name: 'src', path: 'src', type: 'directory', children: [file('src/b.ts'), file('src/a.ts')] },
  file('package.json'),
];

let calls: ApiCall[];
let editors: Editors & { calls: unknown[][] };

function makeEditors(): Editors & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    calls,
    openFile: (...args) => void calls.push(['openFile', ...args]),
    openDiff: (...args) => void calls.push(['openDiff', ...args]),
    renamed: (...args) => void calls.push(['renamed', ...args]),
    deleted: (...args) => void calls.push(['deleted', ...args]),
    saveAll: async () => undefined,
    activePath: null,
    openPaths: [],
    dirtyPaths: new Set(),
  };
}

beforeEach(() => {
  editors = makeEditors();
  sessionStorage.clear();
  calls = stubApi((route, body) => {
    if (route === `GET /api/projects/${projectId}/tree`) return json(200, { root: tree, truncated: false });
    if (route === `POST /api/projects/${projectId}/move`) return json(200, body);
    if (route.startsWith(`DELETE /api/projects/${projectId}/files/`))
      return new Response(null, { status: 204 });
    if (route.startsWith(`PUT /api/projects/${projectId}/files/`)) {
      return json(201, { path: 'x', etag: '"e"', size: 0 });
    }
    return json(404, { error: { code: 'not_found', message: route } });
  });
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function renderExplorer(permission: Project['permission'] = 'write') {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={client}>
      <CommandsContext.Provider value={new CommandRegistry()}>
        <ToastProvider>{children}</ToastProvider>
      </CommandsContext.Provider>
    </QueryClientProvider>
  );
  return render(<ExplorerView project={project(permission)} />, { wrapper });
}

const names = () => screen.getAllByRole('treeitem').map((item) => item.getAttribute('aria-label'));

describe('ExplorerView', () => {
  it('shows the tree folders first, expands on click and opens files without taking focus', async () => {
    renderExplorer();
    await waitFor(() => expect(names()).toEqual(['src', 'package.json', 'README.md']));
    const src = screen.getByRole('treeitem', { name: 'src' });
    expect(src.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(src);
    expect(names()).toEqual(['src', 'a.ts', 'b.ts', 'package.json', 'README.md']);
    expect(screen.getByRole('treeitem', { name: 'a.ts' }).getAttribute('aria-level')).toBe('2');
    expect(JSON.parse(sessionStorage.getItem(`vaporform.explorer.expanded.${projectId}`) ?? '[]')).toEqual([
      'src',
    ]);

    fireEvent.click(screen.getByRole('treeitem', { name: 'a.ts' }), { detail: 1 });
    expect(editors.calls).toContainEqual(['openFile', 'src/a.ts', { preserveFocus: true }]);
    // Keyboard: down to b.ts, Enter opens it with focus.
    fireEvent.keyDown(screen.getByRole('tree'), { key: 'ArrowDown' });
    fireEvent.keyDown(screen.getByRole('tree'), { key: 'Enter' });
    expect(editors.calls).toContainEqual(['openFile', 'src/b.ts']);
  });

  it('renames inline with F2 and tells the editors', async () => {
    renderExplorer();
    await waitFor(() => screen.getByRole('treeitem', { name: 'README.md' }));
    fireEvent.click(screen.getByRole('treeitem', { name: 'README.md' }));
    fireEvent.keyDown(screen.getByRole('tree'), { key: 'F2' });
    const input = screen.getByRole('textbox', { name: 'Rename README.md' });
    fireEvent.change(input, { target: { value: 'package.json' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/already exists/));
    fireEvent.change(input, { target: { value: 'GUIDE.md' } });
    await act(async () => {
      fireEvent.keyDown(input, { key: 'Enter' });
    });
    await waitFor(() => expect(editors.calls).toContainEqual(['renamed', 'README.md', 'GUIDE.md']));
    expect(calls.find((call) => call.route.endsWith('/move'))?.body).toEqual({
      from: 'README.md',
      to: 'GUIDE.md',
    });
  });

  it('deletes after confirmation', async () => {
    renderExplorer();
    await waitFor(() => screen.getByRole('treeitem', { name: 'package.json' }));
    fireEvent.click(screen.getByRole('treeitem', { name: 'package.json' }));
    fireEvent.keyDown(screen.getByRole('tree'), { key: 'Delete' });
    const dialog = await screen.findByRole('dialog', { name: 'Delete' });
    await act(async () => {
      fireEvent.click(within(dialog).getByRole('button', { name: 'Delete' }));
    });
    await waitFor(() => expect(editors.calls).toContainEqual(['deleted', 'package.json']));
    expect(calls.some((call) => call.route === `DELETE /api/projects/${projectId}/files/package.json`)).toBe(
      true,
    );
  });

  it('creates a file in the selected folder and opens it', async () => {
    renderExplorer();
    await waitFor(() => screen.getByRole('treeitem', { name: 'src' }));
    fireEvent.click(screen.getByRole('treeitem', { name: 'src' }));
    fireEvent.click(screen.getByRole('button', { name: 'New File' }));
    const input = screen.getByRole('textbox', { name: 'New file name' });
    fireEvent.change(input, { target: { value: 'c.ts' } });
    await act(async () => {
      fireEvent.keyDown(input, { key: 'Enter' });
    });
    await waitFor(() => expect(editors.calls).toContainEqual(['openFile', 'src/c.ts']));
    expect(calls.some((call) => call.route === `PUT /api/projects/${projectId}/files/src/c.ts`)).toBe(true);
  });

  it('offers no changes to a read-only member', async () => {
    renderExplorer('read');
    await waitFor(() => screen.getByRole('treeitem', { name: 'README.md' }));
    expect(screen.queryByRole('button', { name: 'New File' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Download Project as Zip' })).toBeTruthy();
    fireEvent.click(screen.getByRole('treeitem', { name: 'README.md' }));
    fireEvent.keyDown(screen.getByRole('tree'), { key: 'F2' });
    fireEvent.keyDown(screen.getByRole('tree'), { key: 'Delete' });
    expect(screen.queryByRole('textbox')).toBeNull();
    expect(screen.queryByRole('dialog')).toBeNull();
    fireEvent.contextMenu(screen.getByRole('treeitem', { name: 'README.md' }));
    const items = within(screen.getByRole('menu'))
      .getAllByRole('menuitem')
      .map((item) => item.textContent);
    expect(items.some((text) => /Rename|Delete|New/.test(text ?? ''))).toBe(false);
  });
});
