import { useId, useState, type Ref } from 'react';
import { Button } from '../../ui/Button';
import { describeStartError } from './useStartTurn';

const maxMessage = 20_000;

/**
 * The message box: Enter sends, Shift+Enter is a new line. Sending is off while the agent works in this
 * conversation (typing the next message is not); everything is off, with the reason, when there is no model.
 */
export function ChatInput({
  unavailableReason,
  busy,
  onSend,
  inputRef,
}: {
  unavailableReason: string | null;
  busy: boolean;
  onSend: (message: string) => Promise<unknown>;
  inputRef?: Ref<HTMLTextAreaElement>;
}) {
  const noteId = useId();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const disabled = unavailableReason !== null;
  const canSend = !disabled && !busy && text.trim().length > 0;

  const submit = () => {
    if (!canSend) return;
    const message = text.trim();
    setText('');
    setError(null);
    onSend(message).catch((failure: unknown) => {
      setError(describeStartError(failure));
      // Give the message back, unless the person has started another one.
      setText((current) => current || message);
    });
  };

  return (
    <form
      className="chat-input"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      {unavailableReason && (
        <p id={noteId} className="chat-note" role="note">
          {unavailableReason}
        </p>
      )}
      {error && (
        <p className="chat-error" role="alert">
          {error}
        </p>
      )}
      <textarea
        ref={inputRef}
        aria-label="Message"
        aria-describedby={unavailableReason ? noteId : undefined}
        placeholder={busy ? 'The agent is working…' : 'Ask the agent to build or change something'}
        rows={3}
        maxLength={maxMessage}
        value={text}
        disabled={disabled}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing) return;
          event.preventDefault();
          submit();
        }}
      />
      <div className="chat-actions">
        <span className="chat-muted">Enter to send, Shift+Enter for a new line</span>
        <Button type="submit" disabled={!canSend}>
          Send
        </Button>
      </div>
    </form>
  );
}
