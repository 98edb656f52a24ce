import { useLayoutEffect, useRef, type ReactNode } from 'react';
import type { ChatTurn } from './applyStreamEvent';
import { TurnView } from './TurnView';

/** How close to the end (px) still counts as reading the latest: the list then follows new output. */
const followSlack = 48;

/** The conversation, oldest first, following the stream while the reader is at the end. */
export function MessageList({
  threadKey,
  projectId,
  turns,
  busy,
  placeholder,
}: {
  /** Another conversation starts at its end again. */
  threadKey: string;
  projectId: string;
  turns: readonly ChatTurn[];
  busy: boolean;
  /** Shown instead of the turns when there are none (loading, an error, the empty state). */
  placeholder: ReactNode;
}) {
  const list = useRef<HTMLDivElement>(null);
  const following = useRef(true);

  useLayoutEffect(() => {
    following.current = true;
  }, [threadKey]);

  useLayoutEffect(() => {
    const element = list.current;
    if (element && following.current) element.scrollTop = element.scrollHeight;
  }, [turns, threadKey]);

  return (
    <div
      ref={list}
      className="chat-messages"
      role="log"
      aria-label="Chat messages"
      onScroll={(event) => {
        const element = event.currentTarget;
        following.current = element.scrollHeight - element.scrollTop - element.clientHeight <= followSlack;
      }}
    >
      {turns.length === 0
        ? placeholder
        : turns.map((turn) => <TurnView key={turn.id} projectId={projectId} turn={turn} threadBusy={busy} />)}
    </div>
  );
}
