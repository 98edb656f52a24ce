import type { StreamStep } from './applyStreamEvent';

/**
 * Stream events for turns the chat does not have yet: the turn it has just sent (the server may stream before
 * its 202 arrives) or one a refetch is about to bring. They are applied when the turn arrives; whatever is
 * never claimed is dropped after a while.
 */
interface Held {
  steps: StreamStep[];
  touchedAt: number;
}

const held = new Map<string, Held>();
const maxSteps = 20_000;
const maxAgeMs = 120_000;
const sending = new Map<string, number>();

function prune(now: number): void {
  for (const [turnId, entry] of held) if (now - entry.touchedAt > maxAgeMs) held.delete(turnId);
}

export function holdStep(turnId: string, step: StreamStep, now = Date.now()): void {
  prune(now);
  const entry = held.get(turnId) ?? { steps: [], touchedAt: now };
  if (entry.steps.length < maxSteps) entry.steps.push(step);
  entry.touchedAt = now;
  held.set(turnId, entry);
}

/** The held events of a turn, removed from the buffer. */
export function takeHeld(turnId: string): StreamStep[] {
  const entry = held.get(turnId);
  held.delete(turnId);
  return entry?.steps ?? [];
}

/** The highest `seq` held for the turn (0 when none). */
export function heldSeq(turnId: string): number {
  return (held.get(turnId)?.steps ?? []).reduce((max, step) => Math.max(max, step.seq), 0);
}

/** Marks a message on its way to the server, so events for a turn not yet known are held, not refetched. */
export function beginSend(projectId: string): () => void {
  sending.set(projectId, (sending.get(projectId) ?? 0) + 1);
  let ended = false;
  return () => {
    if (ended) return;
    ended = true;
    const count = (sending.get(projectId) ?? 1) - 1;
    if (count > 0) sending.set(projectId, count);
    else sending.delete(projectId);
  };
}

export function isSending(projectId: string): boolean {
  return (sending.get(projectId) ?? 0) > 0;
}
