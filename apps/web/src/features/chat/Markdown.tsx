import { memo, type ReactNode } from 'react';
import ReactMarkdown, { defaultUrlTransform, type Components, type ExtraProps } from 'react-markdown';
import { Icon } from '../../ui/Icon';
import { CodeBlock } from './CodeBlock';

/**
 * Images load only from the IDE's own origin or inline `data:image/…`: a remote image would tell a third party
 * that (and from where) the chat was read, and the model's text is not trusted.
 */
export function isAllowedImage(src: string, origin = location.origin): boolean {
  if (/^data:image\//i.test(src)) return true;
  try {
    const url = new URL(src, origin);
    return url.origin === origin && (url.protocol === 'http:' || url.protocol === 'https:');
  } catch {
    return false;
  }
}

/** The default transform (no `javascript:` and the like), plus inline images, which it would drop. */
export function transformUrl(url: string, key: string): string {
  if (key === 'src' && /^data:image\//i.test(url)) return url;
  return defaultUrlTransform(url);
}

function Link({ href, children }: { href?: string; children?: ReactNode } & ExtraProps) {
  return (
    <a href={href || undefined} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  );
}

/** An allowed image, or else its alt text as a link to it: the reader may choose to open it. */
function Image({ src, alt, title }: { src?: string | Blob; alt?: string; title?: string } & ExtraProps) {
  const source = typeof src === 'string' ? src : '';
  if (source && isAllowedImage(source)) return <img src={source} alt={alt ?? ''} title={title} />;
  const label = alt || title || source || 'image';
  if (!source) return <span className="chat-image-blocked">{label}</span>;
  return (
    <a
      className="chat-image-blocked"
      href={source}
      target="_blank"
      rel="noopener noreferrer"
      title="Remote image not loaded; opens in a new tab"
    >
      <Icon name="file-media" />
      {label}
    </a>
  );
}

const components: Components = { a: Link, img: Image, pre: CodeBlock };

/**
 * The agent's markdown. HTML in it is shown as text (react-markdown without `rehype-raw`), links open in a new
 * tab without an opener or referrer, remote images are not loaded, code blocks have a Copy button.
 */
export const Markdown = memo(function Markdown({ text }: { text: string }) {
  return (
    <div className="chat-markdown">
      <ReactMarkdown components={components} urlTransform={transformUrl}>
        {text}
      </ReactMarkdown>
    </div>
  );
});
