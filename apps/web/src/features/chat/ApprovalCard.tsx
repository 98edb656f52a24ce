import type { ApprovalRequest } from '@vaporform/contracts';
import { can, useProject } from '../../platform/projects';
import { Button } from '../../ui/Button';
import type { ChatTurn } from './applyStreamEvent';
import { useAnswerApproval } from './useTurnActions';

/**
 * A running turn asks to use an MCP tool for the first time in this project: what it would call, with what,
 * and Allow / Deny for members who may run things in the container. The answer is remembered.
 */
export function ApprovalCard({
  projectId,
  turn,
  request,
}: {
  projectId: string;
  turn: ChatTurn;
  request: ApprovalRequest;
}) {
  const project = useProject(projectId).data;
  const answer = useAnswerApproval(projectId);
  const mayAnswer = project !== undefined && can(project, 'execute');
  const decide = (allow: boolean) => answer.mutate({ turn, body: { tool: request.tool, allow } });
  return (
    <section className="chat-approval" role="alertdialog" aria-label={`Allow ${request.tool}?`}>
      <p>
        The agent wants to use <code>{request.tool}</code> from the MCP server <code>{request.server}</code>{' '}
        for the first time in this project.
      </p>
      <pre className="chat-approval-input">{JSON.stringify(request.input, null, 2)}</pre>
      {mayAnswer ? (
        <div className="chat-approval-actions">
          <Button variant="secondary" disabled={answer.isPending} onClick={() => decide(false)}>
            Deny
          </Button>
          <Button disabled={answer.isPending} onClick={() => decide(true)}>
            Allow for this project
          </Button>
        </div>
      ) : (
        <p className="chat-muted">Waiting for a member who can run commands in this project to allow it.</p>
      )}
    </section>
  );
}
