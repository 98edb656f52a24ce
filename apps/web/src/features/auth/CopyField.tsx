import { useEffect, useRef, useState } from 'react';
import { Button } from '../../ui/Button';

/** Copies text to the clipboard; falls back to selecting it where the Clipboard API is missing (http). */
export async function copyText(text: string, fallback: HTMLInputElement | null): Promise<boolean> {
  try {
    if (navigator.clipboard) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Permission refused: select it below so Ctrl+C works.
  }
  if (fallback) {
    fallback.focus();
    fallback.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    }
  }
  return false;
}

/** A read-only value with a Copy button beside it (tokens, invite links). */
export function CopyField({ label, value }: { label: string; value: string }) {
  const inputRef = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<boolean | null>(null);
  useEffect(() => {
    if (copied === null) return undefined;
    const timer = setTimeout(() => setCopied(null), 2500);
    return () => clearTimeout(timer);
  }, [copied]);
  return (
    <div className="copy-field">
      <input
        ref={inputRef}
        readOnly
        aria-label={label}
        value={value}
        spellCheck={false}
        onFocus={(event) => event.currentTarget.select()}
      />
      <Button variant="secondary" onClick={() => void copyText(value, inputRef.current).then(setCopied)}>
        {copied === true ? 'Copied' : 'Copy'}
      </Button>
      <span className="visually-hidden" role="status">
        {copied === true
          ? 'Copied to the clipboard'
          : copied === false
            ? 'Select the text and press Ctrl+C to copy'
            : ''}
      </span>
    </div>
  );
}
