import type { Project } from '@vaporform/contracts';
import { Button } from '../../ui/Button';
import './chat.css';

const unavailable = 'The AI agent arrives with the agent feature; configure a model key in settings.';

/**
 * The aside's chat with the AI agent. Until the agent lands it is an honest shell: the conversation area and
 * the input are there, and disabled, with the reason.
 */
export function ChatPanel({ project }: { project: Project }) {
  return (
    <section className="chat-panel" aria-label="Chat">
      <div className="chat-messages" role="log" aria-label="Conversation">
        <div className="chat-empty">
          <p className="chat-title">Chat with the AI agent about {project.name}</p>
          <p>
            It will read and edit the project, run commands in its container and explain what it did, with a
            checkpoint for every turn.
          </p>
        </div>
      </div>
      <form className="chat-input" onSubmit={(event) => event.preventDefault()}>
        <p id="chat-unavailable" className="chat-note" role="note">
          {unavailable}
        </p>
        <textarea
          aria-label="Message"
          aria-describedby="chat-unavailable"
          placeholder="Ask the agent to build or change something"
          rows={3}
          disabled
        />
        <div className="chat-actions">
          <Button type="submit" disabled aria-describedby="chat-unavailable">
            Send
          </Button>
        </div>
      </form>
    </section>
  );
}
