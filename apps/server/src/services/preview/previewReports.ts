import type { PreviewReport } from '@vaporform/contracts';
import { LRUCache } from 'lru-cache';

const perProject = 50;

/**
 * The last page errors each project's preview reported (relayed by the IDE, which receives them from the
 * injected script), for the agent's `read_logs`. In memory: they describe the page as it runs now.
 */
export class PreviewReports {
  readonly #reports = new LRUCache<string, PreviewReport[]>({ max: 5_000 });

  add(projectId: string, report: PreviewReport): void {
    const list = this.#reports.get(projectId) ?? [];
    list.push(report);
    if (list.length > perProject) list.splice(0, list.length - perProject);
    this.#reports.set(projectId, list);
  }

  /** One line per report, oldest first: `[kind] message (url:line)`. */
  lines(projectId: string): string[] {
    return (this.#reports.get(projectId) ?? []).map((report) => {
      const where = report.line === undefined ? report.url : `${report.url}:${report.line}`;
      const text =
        report.stack && !report.stack.includes(report.message)
          ? `${report.message}\n${report.stack}`
          : (report.stack ?? report.message);
      return `[${report.kind}] ${text} (${where})`;
    });
  }

  clear(projectId: string): void {
    this.#reports.delete(projectId);
  }
}
