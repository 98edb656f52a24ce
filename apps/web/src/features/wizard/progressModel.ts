import type { ContainerPhase } from '@vaporform/contracts';

/** The steps a new project's container goes through, in order, as the wizard shows them. */
export const progressStepIds = ['creating', 'installing', 'starting', 'running'] as const;
export type ProgressStepId = (typeof progressStepIds)[number];
export type StepState = 'pending' | 'active' | 'done' | 'failed';

export const stepLabels: Record<ProgressStepId, string> = {
  creating: 'Creating the container',
  installing: 'Installing dependencies',
  starting: 'Starting the app',
  running: 'App running',
};

export interface Progress {
  /** Every phase reported so far, first time each. */
  seen: ContainerPhase[];
  /** The latest phase; null before the first report. */
  current: ContainerPhase | null;
  /** The server's progress message for the latest phase. */
  message: string | null;
}

export const initialProgress: Progress = { seen: [], current: null, message: null };

/** Folds one report (from the socket or a poll) into the progress; returns the same object if nothing changed. */
export function advance(
  progress: Progress,
  report: { status: ContainerPhase; message: string | null },
): Progress {
  if (progress.current === report.status && progress.message === report.message) return progress;
  return {
    seen: progress.seen.includes(report.status) ? progress.seen : [...progress.seen, report.status],
    current: report.status,
    message: report.message,
  };
}

function stepIndex(phase: ContainerPhase): number {
  return (progressStepIds as readonly string[]).indexOf(phase);
}

/** How far the container got: the index of the furthest step reported, -1 for none. */
export function furthestStep(progress: Progress): number {
  return Math.max(-1, ...progress.seen.map(stepIndex));
}

/**
 * Each step's state. Steps before the current one are done even if no report named them (a fast install
 * can fall between two polls); after a crash the furthest step reached is the one that failed; after an
 * automatic restart (crashed → starting) the steps follow the new phase again.
 */
export function progressSteps(progress: Progress): { id: ProgressStepId; label: string; state: StepState }[] {
  const { current } = progress;
  const furthest = furthestStep(progress);
  const at = current !== null && stepIndex(current) >= 0 ? stepIndex(current) : Math.max(furthest, 0);
  return progressStepIds.map((id, index) => {
    let state: StepState;
    if (current === null || (current === 'stopped' && furthest < 0)) state = 'pending';
    else if (current === 'crashed') state = index < at ? 'done' : index === at ? 'failed' : 'pending';
    else if (current === 'stopped') state = index <= furthest ? 'done' : 'pending';
    else if (index < at) state = 'done';
    else if (index === at) state = current === 'running' ? 'done' : 'active';
    else state = 'pending';
    return { id, label: stepLabels[id], state };
  });
}

/**
 * What the wizard does next: go to the IDE once the app runs; also (after a short grace period) when the
 * container will not start by itself: no runtime on this server, or still `stopped` with nothing begun.
 */
export function outcome(
  progress: Progress,
  containerUnavailable: boolean,
): 'wait' | 'ready' | 'no-runtime' | 'crashed' {
  if (progress.current === 'running') return 'ready';
  if (progress.current === 'crashed') return 'crashed';
  if (containerUnavailable) return 'no-runtime';
  if (progress.current === 'stopped' && furthestStep(progress) < 0) return 'no-runtime';
  return 'wait';
}
