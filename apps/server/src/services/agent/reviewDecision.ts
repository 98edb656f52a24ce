import type { ReviewBody } from '@vaporform/contracts';
import { AppError } from '../../platform/errors/AppError.js';
import type { Principal } from '../../platform/http/policy.js';
import type { CheckpointService } from '../checkpoints/index.js';
import type { FilesService } from '../files/index.js';
import { workspaceKey } from './proposalOverlay.js';
import type { AgentStore, StoredReview } from './store.js';

export interface ReviewDecisionDependencies {
  store: AgentStore;
  files: FilesService;
  checkpoints: CheckpointService;
}

/**
 * Accepts or rejects files of a review-mode turn's proposal. Accepting writes the proposed content, after a
 * checkpoint (so "rewind" undoes accepted changes like any turn's); a file that changed on disk since the
 * proposal is not overwritten: the whole decision is refused with the files named, and nothing is written.
 */
export async function decideReview(
  dependencies: ReviewDecisionDependencies,
  principal: Principal,
  projectId: string,
  turnId: string,
  body: ReviewBody,
): Promise<{ review: StoredReview; decided: string[] }> {
  const { store, files, checkpoints } = dependencies;
  const turn = await store.turn(projectId, turnId);
  if (!turn) throw new AppError('not_found', 'No such turn in this project');
  if (turn.status === 'running')
    throw new AppError('conflict', 'Wait for the turn to finish before reviewing it');
  const review = turn.storedReview;
  if (!review)
    throw new AppError('conflict', 'This turn wrote its changes directly; there is nothing to review');

  const targets = body.paths
    ? body.paths.map((path) => {
        const file = review.files.find((candidate) => candidate.path === workspaceKey(path));
        if (!file) throw new AppError('validation_failed', `'${path}' is not part of this proposal`);
        if (file.status !== 'pending')
          throw new AppError('conflict', `'${file.path}' was already ${file.status}`);
        return file;
      })
    : review.files.filter((file) => file.status === 'pending');

  let checkpointId = turn.checkpointId;
  if (body.decision === 'accept' && targets.length > 0) {
    const current = await Promise.all(targets.map((file) => readText(files, projectId, file.path)));
    const changed = targets.filter(
      (file, index) => ![file.before, file.after].includes(current[index] ?? null),
    );
    if (changed.length > 0) {
      throw new AppError(
        'conflict',
        `Changed since the proposal: ${changed.map((file) => file.path).join(', ')}. Reject ${changed.length === 1 ? 'it' : 'them'}, or ask again.`,
      );
    }
    checkpointId ??= (
      await checkpoints.create(projectId, files.workspaceDir(projectId), {
        message: `Before accepting AI changes: ${turn.message.split('\n')[0]?.slice(0, 60) ?? ''}`,
        author: { name: principal.name, email: principal.email },
      })
    ).id;
    for (const file of targets) await files.write(projectId, file.path, Buffer.from(file.after, 'utf8'));
  }
  const status = body.decision === 'accept' ? 'accepted' : 'rejected';
  for (const file of targets) file.status = status;
  await store.updateTurn(turnId, { review, checkpointId });
  return { review, decided: targets.map((file) => file.path) };
}

async function readText(files: FilesService, projectId: string, path: string): Promise<string | null> {
  try {
    const file = await files.read(projectId, path);
    return file.binary ? null : file.content.toString('utf8');
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found') return null;
    throw error;
  }
}
