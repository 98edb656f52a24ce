import type { Review, ReviewBody } from '@vaporform/contracts';
import { can, useProject } from '../../platform/projects';
import { Button } from '../../ui/Button';
import type { ChatTurn } from './applyStreamEvent';
import { DiffView } from './DiffView';
import { useReviewTurn } from './useTurnActions';

const statusLabel: Record<Review['files'][number]['status'], string> = {
  pending: 'Pending',
  accepted: 'Accepted',
  rejected: 'Rejected',
};

/**
 * A review-mode turn's proposal: each file's diff with Accept and Reject, and both for all pending files at
 * once. Nothing is on disk until a file is accepted; members who cannot write see the decisions only.
 */
export function ReviewSection({
  projectId,
  turn,
}: {
  projectId: string;
  turn: ChatTurn & { review: Review };
}) {
  const project = useProject(projectId).data;
  const review = useReviewTurn(projectId);
  const mayDecide = project !== undefined && can(project, 'write') && turn.status !== 'running';
  const pending = turn.review.files.filter((file) => file.status === 'pending').length;
  const decide = (body: ReviewBody) => review.mutate({ turn, body });
  return (
    <section className="chat-files chat-review" aria-label="Proposed changes">
      <div className="chat-section-title chat-review-title">
        <span>
          Proposed {turn.review.files.length === 1 ? '1 file' : `${turn.review.files.length} files`}
          {pending > 0 && pending < turn.review.files.length && ` · ${pending} pending`}
        </span>
        {mayDecide && pending > 1 && (
          <span className="chat-review-all">
            <Button
              variant="secondary"
              disabled={review.isPending}
              onClick={() => decide({ decision: 'reject' })}
            >
              Reject all
            </Button>
            <Button disabled={review.isPending} onClick={() => decide({ decision: 'accept' })}>
              Accept all
            </Button>
          </span>
        )}
      </div>
      {turn.review.files.map((file) => (
        <DiffView key={file.path} path={file.path} diff={turn.diffs[file.path]} checkpointId={null}>
          {file.status === 'pending' && mayDecide ? (
            <>
              <button
                type="button"
                className="chat-link-button"
                disabled={review.isPending}
                aria-label={`Reject ${file.path}`}
                onClick={() => decide({ decision: 'reject', paths: [file.path] })}
              >
                Reject
              </button>
              <button
                type="button"
                className="chat-link-button chat-accept"
                disabled={review.isPending}
                aria-label={`Accept ${file.path}`}
                onClick={() => decide({ decision: 'accept', paths: [file.path] })}
              >
                Accept
              </button>
            </>
          ) : (
            <span className="chat-review-status" data-status={file.status}>
              {statusLabel[file.status]}
            </span>
          )}
        </DiffView>
      ))}
    </section>
  );
}
