// @vitest-environment happy-dom
import type { Project } from '@vaporform/contracts';
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ChatPanel } from './ChatPanel';

const project: Project = {
  id: '00000000-0000-4000-8000-000000000001',
  slug: 'demo',
  name: 'Demo',
  description: '',
  templateId: 'node-express',
  visibility: 'private',
  ownerId: '00000000-0000-4000-8000-000000000002',
  permission: 'admin',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  lastOpenedAt: null,
};

afterEach(cleanup);

describe('ChatPanel', () => {
  it('is an honest shell: input and Send disabled, with the reason', () => {
    render(<ChatPanel project={project} />);
    const input = screen.getByRole('textbox', { name: 'Message' });
    const send = screen.getByRole('button', { name: 'Send' });
    expect((input as HTMLTextAreaElement).disabled).toBe(true);
    expect((send as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByRole('note').textContent).toBe(
      'The AI agent arrives with the agent feature; configure a model key in settings.',
    );
    expect(screen.getByRole('log', { name: 'Conversation' })).toBeTruthy();
  });
});
