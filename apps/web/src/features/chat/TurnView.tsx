import type { Usage } from '@vaporform/contracts';
import { memo, useMemo } from 'react';
import { useMe } from '../../platform/session';
import { Button } from '../../ui/Button';
import { Icon } from '../../ui/Icon';
import { Spinner } from '../../ui/Spinner';
import type { ChatTurn } from './applyStreamEvent';
import { ApprovalCard } from './ApprovalCard';
import { CheckRow } from './CheckRow';
import { DiffView } from './DiffView';
import { Markdown } from './Markdown';
import { ReviewSection } from './ReviewSection';
import { RewindButton } from './RewindButton';
import { ToolCallRow } from './ToolCallRow';
import { turnSegments } from './turnSegments';
import { useCancelTurn } from './useTurnActions';

const count = new Intl.NumberFormat();

/** `1,234 in · 56 out · 1,000 cached · $0.0123`; empty before the model has answered. */
export function usageLine(usage: Usage): string {
  if (usage.inputTokens + usage.outputTokens + usage.cacheReadTokens + usage.cacheWriteTokens === 0)
    return '';
  const parts = [
    `${count.format(usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens)} in`,
    `${count.format(usage.outputTokens)} out`,
  ];
  if (usage.cacheReadTokens > 0) parts.push(`${count.format(usage.cacheReadTokens)} cached`);
  if (usage.costUsd > 0) {
    parts.push(`$${usage.costUsd < 0.01 ? usage.costUsd.toFixed(4) : usage.costUsd.toFixed(2)}`);
  }
  return `Tokens: ${parts.join(' · ')}`;
}

/** One turn: the person's message, then the agent's answer with its tool calls, changed files and usage. */
export const TurnView = memo(function TurnView({
  projectId,
  turn,
  threadBusy,
}: {
  projectId: string;
  turn: ChatTurn;
  threadBusy: boolean;
}) {
  const me = useMe().user;
  const cancel = useCancelTurn(projectId);
  const running = turn.status === 'running';
  const segments = useMemo(() => turnSegments(turn), [turn]);
  const mine = turn.userId === '' || turn.userId === me?.id;
  const usage = usageLine(turn.usage);
  return (
    <article className="chat-turn" data-status={turn.status} aria-busy={running || undefined}>
      <div className="chat-message" data-role="user">
        <div className="chat-who">
          <Icon name="account" />
          {mine ? 'You' : 'A collaborator'}
        </div>
        <div className="chat-user-text">{turn.message}</div>
      </div>
      <div className="chat-message" data-role="assistant">
        <div className="chat-who">
          <Icon name="sparkle" />
          Agent
          {turn.model && <span className="chat-muted">{turn.model}</span>}
        </div>
        {segments.map((segment) =>
          segment.kind === 'text' ? (
            <Markdown key={segment.key} text={segment.text} />
          ) : (
            <ToolCallRow key={segment.key} call={segment.call} turnRunning={running} />
          ),
        )}
        {running && turn.approval && (
          <ApprovalCard projectId={projectId} turn={turn} request={turn.approval} />
        )}
        {turn.review && turn.review.files.length > 0 && (
          <ReviewSection projectId={projectId} turn={{ ...turn, review: turn.review }} />
        )}
        {!turn.review && turn.changedFiles.length > 0 && (
          <section className="chat-files" aria-label="Changed files">
            <div className="chat-section-title">
              Changed {turn.changedFiles.length === 1 ? '1 file' : `${turn.changedFiles.length} files`}
            </div>
            {turn.changedFiles.map((path) => (
              <DiffView key={path} path={path} diff={turn.diffs[path]} checkpointId={turn.checkpointId} />
            ))}
          </section>
        )}
        {turn.checks.length > 0 && (
          <section className="chat-files chat-checks" aria-label="Checks">
            <div className="chat-section-title">Checks</div>
            {turn.checks.map((check, index) => (
              <CheckRow key={index} check={check} />
            ))}
          </section>
        )}
        {turn.status === 'failed' && <p className="chat-error">{turn.error ?? 'The turn failed.'}</p>}
        {turn.status === 'cancelled' && <p className="chat-muted">Stopped.</p>}
        <div className="chat-turn-footer">
          {running && (
            <>
              <Spinner label="Working" />
              <span className="chat-muted">{turn.pending ? 'Sending…' : 'Working…'}</span>
              <Button
                variant="secondary"
                className="chat-stop"
                disabled={turn.pending === true || cancel.isPending}
                onClick={() => cancel.mutate(turn)}
              >
                Stop
              </Button>
            </>
          )}
          {usage && <span className="chat-usage">{usage}</span>}
          {!running && !turn.pending && (
            <RewindButton projectId={projectId} turn={turn} disabled={threadBusy} />
          )}
        </div>
      </div>
    </article>
  );
});
