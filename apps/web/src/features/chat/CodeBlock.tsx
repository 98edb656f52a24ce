import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { ExtraProps } from 'react-markdown';
import { Icon } from '../../ui/Icon';

type HastElement = NonNullable<ExtraProps['node']>;
type HastContent = HastElement['children'][number];

/** The text of a markdown (hast) node, as the code block shows it. */
export function textOf(node: HastElement | HastContent): string {
  if (node.type === 'text') return node.value;
  if (node.type === 'element') return node.children.map(textOf).join('');
  return '';
}

/** `language-ts` on the block's `<code>` → `ts`. */
function languageOf(node: HastElement | undefined): string {
  const code = node?.children.find((child): child is HastElement => child.type === 'element');
  const classes = code?.properties.className;
  const names = Array.isArray(classes) ? classes.map(String) : [];
  return names.find((name) => name.startsWith('language-'))?.slice('language-'.length) ?? '';
}

/** A fenced code block with its language and a Copy button. */
export function CodeBlock({ node, children }: { children?: ReactNode } & ExtraProps) {
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const language = languageOf(node);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(node ? textOf(node).replace(/\n$/, '') : '');
      setCopied('copied');
    } catch {
      setCopied('failed');
    }
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setCopied('idle'), 1500);
  };
  return (
    <div className="chat-code">
      <div className="chat-code-bar">
        <span className="chat-code-language">{language}</span>
        <button type="button" className="chat-code-copy" onClick={() => void copy()}>
          <Icon name={copied === 'copied' ? 'check' : 'copy'} />
          {copied === 'copied' ? 'Copied' : copied === 'failed' ? 'Copy failed' : 'Copy'}
        </button>
      </div>
      <pre>{children}</pre>
    </div>
  );
}
