import type { PreviewReport } from '@vaporform/contracts';

/** The server keeps 50 per project; a page that throws in a loop must not turn into a request storm. */
const batchMs = 500;
const maxBatch = 50;

/**
 * Passes the preview's page errors on to the server (where the agent's `read_logs` finds them), in batches:
 * at most one request per half second per project.
 */
export class ReportRelay {
  readonly #pending = new Map<string, PreviewReport[]>();
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(private readonly send: (projectId: string, reports: PreviewReport[]) => Promise<unknown>) {}

  add(projectId: string, report: PreviewReport): void {
    const pending = this.#pending.get(projectId) ?? [];
    if (pending.length < maxBatch) pending.push(report);
    this.#pending.set(projectId, pending);
    if (this.#timers.has(projectId)) return;
    this.#timers.set(
      projectId,
      setTimeout(() => {
        this.#timers.delete(projectId);
        const batch = this.#pending.get(projectId) ?? [];
        this.#pending.delete(projectId);
        // Best effort: the IDE still lists the errors if the server did not take them.
        if (batch.length > 0) this.send(projectId, batch).catch(() => undefined);
      }, batchMs),
    );
  }
}

/** The words of a "Fix with AI" request for one page error. */
export function fixRequest(report: PreviewReport): string {
  const where = report.line === undefined ? report.url : `${report.url}:${report.line}`;
  const details = report.stack && report.stack !== report.message ? `\n\n${report.stack}` : '';
  return `The preview shows this error on ${where}:\n\n${report.message}${details}\n\nFind the cause and fix it.`;
}
