import type { ApprovalRequest } from '@vaporform/contracts';

interface Waiting {
  request: ApprovalRequest;
  /** Of the tool's server: the remembered answer is for this server only (`McpToolInfo`). */
  fingerprint: string;
  settle: (allowed: boolean | null) => void;
}

/**
 * Turns waiting for a member to allow an MCP tool. A turn waits for at most `timeoutMs`; a stopped turn
 * stops waiting at once. `null` means nobody answered: the call is refused this time, and asked again next.
 */
export class ApprovalGate {
  readonly #waiting = new Map<string, Waiting>();

  constructor(private readonly timeoutMs = 10 * 60_000) {}

  wait(
    turnId: string,
    request: ApprovalRequest,
    fingerprint: string,
    signal: AbortSignal,
  ): Promise<boolean | null> {
    return new Promise((resolve) => {
      const settle = (allowed: boolean | null) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.#waiting.delete(turnId);
        resolve(allowed);
      };
      const onAbort = () => settle(null);
      const timer = setTimeout(() => settle(null), this.timeoutMs);
      timer.unref();
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiting.set(turnId, { request, fingerprint, settle });
      if (signal.aborted) onAbort();
    });
  }

  /** The request the turn waits on, if it waits on one. */
  pending(turnId: string): { request: ApprovalRequest; fingerprint: string } | undefined {
    const waiting = this.#waiting.get(turnId);
    return waiting && { request: waiting.request, fingerprint: waiting.fingerprint };
  }

  /** Answers the turn's request for `tool`; false when the turn is not waiting for that tool. */
  answer(turnId: string, tool: string, allowed: boolean): boolean {
    const waiting = this.#waiting.get(turnId);
    if (waiting?.request.tool !== tool) return false;
    waiting.settle(allowed);
    return true;
  }
}
