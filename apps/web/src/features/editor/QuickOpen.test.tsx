// @vitest-environment happy-dom
import type { TreeEntry } from '@vaporform/contracts';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { QuickOpen } from './QuickOpen';

const projectId = '00000000-0000-4000-8000-000000000042';
const file = (path: string): TreeEntry => ({ name: path.split('/').at(-1)!, path, type: 'file' });
const tree: TreeEntry[] = [
  { name: 'src', path: 'src', type: 'directory', children: [file('src/server.ts'), file('src/app.ts')] },
  file('README.md'),
  file('package.json'),
];

beforeEach(() => {
  vi.stubGlobal(
    'fetch',
    vi.fn(async () => new Response(JSON.stringify({ root: tree, truncated: false }), { status: 200 })),
  );
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function renderQuickOpen(onPick = vi.fn()) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <QuickOpen
        projectId={projectId}
        open
        recent={['package.json']}
        onClose={() => undefined}
        onPick={onPick}
      />
    </QueryClientProvider>,
  );
  return onPick;
}

const options = () => screen.getAllByRole('option').map((option) => option.getAttribute('aria-label'));

describe('QuickOpen', () => {
  it('lists open files first, filters fuzzily and opens the pick at a line', async () => {
    const onPick = renderQuickOpen();
    await waitFor(() => expect(options()).toHaveLength(4));
    expect(options()[0]).toBe('package.json');
    const input = screen.getByRole('combobox', { name: 'Search files by name' });
    fireEvent.change(input, { target: { value: 'srv:12' } });
    expect(options()).toEqual(['src/server.ts']);
    expect(screen.getByRole('option').querySelectorAll('mark').length).toBeGreaterThan(0);
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onPick).toHaveBeenCalledWith('src/server.ts', { line: 12, column: undefined });
  });

  it('moves the selection with the arrow keys and says when nothing matches', async () => {
    const onPick = renderQuickOpen();
    await waitFor(() => expect(options()).toHaveLength(4));
    const input = screen.getByRole('combobox', { name: 'Search files by name' });
    fireEvent.keyDown(input, { key: 'ArrowDown' });
    expect(screen.getAllByRole('option')[1]?.getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onPick).toHaveBeenCalledWith(options()[1], { line: undefined, column: undefined });
    fireEvent.change(input, { target: { value: 'zzzz' } });
    expect(screen.getByText('No matching files')).toBeTruthy();
  });
});
