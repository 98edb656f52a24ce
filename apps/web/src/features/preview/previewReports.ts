import { PreviewReportSchema, type PreviewReport } from '@vaporform/contracts';
import { useCallback, useSyncExternalStore } from 'react';

/**
 * The reports one project's preview sent, newest last, at most `limit` (the panel lists the errors, the AI
 * agent reads them). Arrays are replaced, never changed, so React sees each change.
 */
export class PreviewReportsStore {
  private readonly reports = new Map<string, readonly PreviewReport[]>();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly limit = 100) {}

  get(projectId: string): readonly PreviewReport[] {
    return this.reports.get(projectId) ?? none;
  }

  add(projectId: string, report: PreviewReport): void {
    const current = this.get(projectId);
    const next =
      current.length >= this.limit
        ? [...current.slice(current.length - this.limit + 1), report]
        : [...current, report];
    this.reports.set(projectId, next);
    this.changed();
  }

  clear(projectId: string): void {
    if (!this.reports.has(projectId)) return;
    this.reports.delete(projectId);
    this.changed();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

const none: readonly PreviewReport[] = Object.freeze([]);

/** The IDE's one store (reports live as long as the browser tab). */
export const previewReports = new PreviewReportsStore(100);

/** The last 100 reports from the project's preview: runtime errors, rejections, console errors, navigations. */
export function usePreviewReports(projectId: string): readonly PreviewReport[] {
  const subscribe = useCallback((listener: () => void) => previewReports.subscribe(listener), []);
  return useSyncExternalStore(
    subscribe,
    () => previewReports.get(projectId),
    () => previewReports.get(projectId),
  );
}

/** Reports about something that went wrong (everything but navigations). */
export function isProblem(report: PreviewReport): boolean {
  return report.kind !== 'navigation';
}

/**
 * A `message` event as a report, or null: only the project's own preview origin, only from the preview
 * iframe's window (another tab or frame on that origin does not count), only what the schema allows.
 */
export function reportFromMessage(
  event: { origin: string; source: unknown; data: unknown },
  expected: { origin: string | null; source: unknown },
): PreviewReport | null {
  if (!expected.origin || event.origin !== expected.origin) return null;
  if (expected.source == null || event.source !== expected.source) return null;
  const parsed = PreviewReportSchema.safeParse(event.data);
  return parsed.success ? parsed.data : null;
}
