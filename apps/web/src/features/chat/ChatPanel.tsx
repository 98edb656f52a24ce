import type { Project } from '@vaporform/contracts';
import { useCallback, useRef } from 'react';
import { useCommand } from '../../platform/commands';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { Spinner } from '../../ui/Spinner';
import { ChatHeader } from './ChatHeader';
import { ChatInput } from './ChatInput';
import { MessageList } from './MessageList';
import { NEW_SELECTION } from './selectedThread';
import { useAgentStatus, useChatThread } from './useChatThread';
import { useChatStream } from './useChatStream';
import { useStartTurn } from './useStartTurn';
import './chat.css';

/**
 * The aside's chat with the AI agent: one conversation at a time (remembered per tab), its turns streamed
 * live over the project socket, with the tool calls, diffs, usage, Stop and Rewind of each.
 */
export function ChatPanel({ project }: { project: Project }) {
  const projectId = project.id;
  useChatStream(projectId);
  const status = useAgentStatus();
  const chat = useChatThread(projectId);
  const start = useStartTurn(projectId);
  const input = useRef<HTMLTextAreaElement>(null);
  const { select } = chat;

  const newChat = useCallback(() => {
    select(NEW_SELECTION);
    input.current?.focus();
  }, [select]);
  useCommand({ id: 'vaporform.chat.new', title: 'New Chat', category: 'Chat', run: newChat });

  const unavailable =
    status.data?.available === false
      ? (status.data.hint ?? 'No AI model is configured on this server.')
      : null;
  const loading = chat.resolving || (chat.threadId !== null && chat.turns.isPending);
  const placeholder = loading ? (
    <div className="chat-empty">
      <Spinner label="Loading the conversation" />
    </div>
  ) : chat.turns.error ? (
    <ErrorNotice error={chat.turns.error} />
  ) : (
    <div className="chat-empty">
      <p className="chat-title">Chat with the AI agent about {project.name}</p>
      <p>
        It reads and edits the project, runs commands in its container and explains what it did. Every turn
        can be rewound.
      </p>
    </div>
  );

  return (
    <section className="chat-panel" aria-label="Chat">
      <ChatHeader
        title={chat.thread?.title || (chat.threadId ? 'Chat' : 'New chat')}
        threads={chat.threads.data ?? []}
        currentId={chat.threadId}
        onSelect={select}
        onNew={newChat}
      />
      <MessageList
        threadKey={chat.threadId ?? 'new'}
        projectId={projectId}
        turns={chat.list}
        busy={chat.busy}
        placeholder={placeholder}
      />
      <ChatInput
        inputRef={input}
        unavailableReason={unavailable}
        busy={chat.busy}
        onSend={(message) => start(chat.threadId, message)}
      />
    </section>
  );
}
