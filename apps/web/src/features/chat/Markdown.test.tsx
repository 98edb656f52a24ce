// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isAllowedImage, Markdown } from './Markdown';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('Markdown', () => {
  it('shows raw HTML as text, never as elements', () => {
    const { container } = render(
      <Markdown
        text={'Hi <script>alert(1)</script> <img src=x onerror="alert(2)"> <b>bold</b>\n\n<div>block</div>'}
      />,
    );
    expect(container.querySelector('.chat-markdown :is(p)')).not.toBeNull();
    expect(container.querySelector('.chat-markdown :is(script, img, b, div)')).toBeNull();
    expect(container.textContent).toContain('<script>alert(1)</script>');
    expect(container.textContent).toContain('<div>block</div>');
  });

  it('opens links in a new tab without opener or referrer, and drops javascript: links', () => {
    render(<Markdown text={'[docs](https://example.com/docs) and [bad](javascript:alert(1))'} />);
    const docs = screen.getByRole('link', { name: 'docs' });
    expect(docs.getAttribute('target')).toBe('_blank');
    expect(docs.getAttribute('rel')).toBe('noopener noreferrer');
    expect(screen.queryByRole('link', { name: 'bad' })?.getAttribute('href') ?? null).toBeNull();
  });

  it('does not load remote images: their alt text links to them instead', () => {
    const { container } = render(<Markdown text={'![tracking pixel](https://evil.example/p.png)'} />);
    expect(container.querySelector('img')).toBeNull();
    const link = screen.getByRole('link', { name: 'tracking pixel' });
    expect(link.getAttribute('href')).toBe('https://evil.example/p.png');
    expect(link.getAttribute('rel')).toBe('noopener noreferrer');
  });

  it('loads same-origin and inline images', () => {
    const { container } = render(
      <Markdown text={'![logo](/logo.png) ![dot](data:image/png;base64,iVBORw0KGgo=)'} />,
    );
    expect([...container.querySelectorAll('img')].map((img) => img.getAttribute('alt'))).toEqual([
      'logo',
      'dot',
    ]);
  });

  it('gives code blocks a Copy button that copies the code', async () => {
    const writeText = vi.fn(async () => undefined);
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    const { container } = render(<Markdown text={'```ts\nconst a = 1;\n```'} />);
    expect(container.querySelector('pre code')?.textContent).toBe('const a = 1;\n');
    expect(screen.getByText('ts')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Copy' }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Copied' })).toBeTruthy());
    expect(writeText).toHaveBeenCalledWith('const a = 1;');
  });
});

describe('isAllowedImage', () => {
  it('allows the own origin and data:image only', () => {
    const origin = 'https://ide.example';
    expect(isAllowedImage('/a.png', origin)).toBe(true);
    expect(isAllowedImage('https://ide.example/a.png', origin)).toBe(true);
    expect(isAllowedImage('data:image/png;base64,AAAA', origin)).toBe(true);
    expect(isAllowedImage('https://other.example/a.png', origin)).toBe(false);
    expect(isAllowedImage('//other.example/a.png', origin)).toBe(false);
    expect(isAllowedImage('data:text/html,<script>', origin)).toBe(false);
  });
});
