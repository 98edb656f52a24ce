import type { ContainerInfo, ContainerPhase, PreviewReport, Project } from '@vaporform/contracts';
import { useEffect, useRef, useState } from 'react';
import { z } from 'zod';
import { api, apiPath } from '../../platform/api';
import { can } from '../../platform/projects';
import { Button, IconButton } from '../../ui/Button';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { Spinner } from '../../ui/Spinner';
import { LastLogLines, phaseLabels, useContainerAction, useContainerInfo } from '../infrastructure';
import { useAskAgent } from '../chat';
import { isProblem, previewReports, reportFromMessage, usePreviewReports } from './previewReports';
import { fixRequest, ReportRelay } from './reportRelay';
import { iframeCookiesBlocked, originOf, pathWithin, resolvePreviewPath } from './previewUrl';
import './preview.css';

const relay = new ReportRelay((projectId, reports) =>
  api(apiPath('projects', projectId, 'preview-reports'), { method: 'POST', body: reports }),
);

/** `POST /api/projects/:id/preview-session`: where the iframe goes first, and the preview's own address. */
const PreviewSessionSchema = z.object({ url: z.string(), previewUrl: z.string() });

const deviceWidths = [
  { id: 'responsive', label: 'Responsive', width: null },
  { id: '375', label: 'Phone (375 px)', width: 375 },
  { id: '768', label: 'Tablet (768 px)', width: 768 },
  { id: '1280', label: 'Desktop (1280 px)', width: 1280 },
] as const;
type DeviceId = (typeof deviceWidths)[number]['id'];

/**
 * Scripts, forms, popups and dialogs run; `allow-same-origin` keeps the app on its own origin (the preview
 * origin, never the IDE's), which apps need for cookies, storage and fetch.
 */
const sandbox = 'allow-scripts allow-forms allow-same-origin allow-popups allow-modals';

/** The aside's live preview of the running app, on its own origin, with the errors it reports. */
export function PreviewPanel({ project }: { project: Project }) {
  return <PreviewView key={project.id} project={project} />;
}

function PreviewView({ project }: { project: Project }) {
  const projectId = project.id;
  const iframeRef = useRef<HTMLIFrameElement>(null);
  const [origin, setOrigin] = useState<string | null>(null);
  const [sessionError, setSessionError] = useState<unknown>(null);
  const [sessionAttempt, setSessionAttempt] = useState(0);
  const [frame, setFrame] = useState<{ src: string; nonce: number } | null>(null);
  const [path, setPath] = useState('/');
  const [editing, setEditing] = useState<string | null>(null);
  const [addressError, setAddressError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [device, setDevice] = useState<DeviceId>('responsive');
  const lastStatus = useRef<ContainerPhase | undefined>(undefined);
  const visibility = project.visibility;

  const navigate = (to: string) => {
    if (!origin) return;
    setPath(to);
    setAddressError(null);
    setLoading(true);
    setFrame((current) => ({ src: `${origin}${to}`, nonce: (current?.nonce ?? 0) + 1 }));
  };

  const container = useContainerInfo(projectId, ({ status }) => {
    const was = lastStatus.current;
    lastStatus.current = status;
    // The gateway showed a "starting" page until now; show the app.
    if (status === 'running' && was !== undefined && was !== 'running') navigate(path);
  });
  const status = container.data?.status;
  useEffect(() => {
    if (status !== undefined) lastStatus.current ??= status;
  }, [status]);

  // The first load goes through the session handshake (private projects), which sets the preview cookie on
  // the preview origin and redirects to the app; later loads go to the preview origin directly.
  useEffect(() => {
    let cancelled = false;
    api(apiPath('projects', projectId, 'preview-session'), {
      method: 'POST',
      schema: PreviewSessionSchema,
    }).then(
      (answer) => {
        if (cancelled) return;
        const previewOrigin = originOf(answer.previewUrl) ?? originOf(answer.url);
        if (!previewOrigin) {
          setSessionError(new Error('The server answered a preview address the IDE cannot use.'));
          return;
        }
        setOrigin(previewOrigin);
        setSessionError(null);
        setLoading(true);
        setFrame((current) => ({
          src: visibility === 'public' ? `${previewOrigin}/` : answer.url,
          nonce: (current?.nonce ?? 0) + 1,
        }));
      },
      (error: unknown) => {
        if (!cancelled) setSessionError(error);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [projectId, visibility, sessionAttempt]);

  useEffect(() => {
    if (!origin) return undefined;
    const onMessage = (event: MessageEvent) => {
      const report = reportFromMessage(event, { origin, source: iframeRef.current?.contentWindow ?? null });
      if (!report) return;
      previewReports.add(projectId, report);
      if (isProblem(report)) relay.add(projectId, report);
      if (report.kind === 'navigation') {
        const within = pathWithin(report.url, origin);
        if (within) setPath(within);
      }
    };
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, [origin, projectId]);

  const width = deviceWidths.find((entry) => entry.id === device)?.width ?? null;
  const openHref =
    path.length <= 2048
      ? `${apiPath('projects', projectId, 'preview-session')}?${new URLSearchParams({ path }).toString()}`
      : apiPath('projects', projectId, 'preview-session');
  const cookieWarning = visibility === 'private' && origin !== null && iframeCookiesBlocked(new URL(origin));

  return (
    <div className="preview-panel">
      <div className="preview-toolbar">
        <IconButton label="Reload preview" onClick={() => navigate(path)} disabled={!origin}>
          ↻
        </IconButton>
        <form
          className="preview-address"
          onSubmit={(event) => {
            event.preventDefault();
            if (!origin) return;
            const resolved = resolvePreviewPath(editing ?? path, origin);
            if ('error' in resolved) {
              setAddressError(resolved.error);
              return;
            }
            setEditing(null);
            navigate(resolved.path);
            iframeRef.current?.focus();
          }}
        >
          <input
            aria-label="Preview address"
            aria-invalid={addressError !== null || undefined}
            aria-describedby={addressError ? 'preview-address-error' : undefined}
            title={origin ? `${origin}${path}` : undefined}
            value={editing ?? path}
            disabled={!origin}
            spellCheck={false}
            onFocus={(event) => {
              setEditing(path);
              event.target.select();
            }}
            onChange={(event) => {
              setEditing(event.target.value);
              setAddressError(null);
            }}
            onBlur={() => setEditing(null)}
            onKeyDown={(event) => {
              if (event.key === 'Escape') {
                setEditing(null);
                setAddressError(null);
                event.currentTarget.blur();
              }
            }}
          />
        </form>
        <select
          aria-label="Device width"
          className="preview-device"
          value={device}
          onChange={(event) => setDevice(event.target.value as DeviceId)}
        >
          {deviceWidths.map((entry) => (
            <option key={entry.id} value={entry.id}>
              {entry.label}
            </option>
          ))}
        </select>
        <a
          className="icon-button"
          href={openHref}
          target="_blank"
          rel="noopener noreferrer"
          aria-label="Open preview in a new tab"
          title="Open preview in a new tab"
        >
          ↗
        </a>
      </div>
      {addressError && (
        <div id="preview-address-error" className="preview-address-error" role="alert">
          {addressError}
        </div>
      )}
      {container.data && <ContainerBanner project={project} info={container.data} />}
      {cookieWarning && (
        <div className="preview-banner" role="note">
          This server is reached over plain http, so the browser may not keep the private preview&apos;s
          sign-in inside the IDE. If the preview keeps asking to sign in, open it in a new tab.
        </div>
      )}
      <div className="preview-stage" data-device={device}>
        {sessionError !== null && (
          <div className="preview-stage-message">
            <ErrorNotice error={sessionError} />
            <Button variant="secondary" onClick={() => setSessionAttempt((attempt) => attempt + 1)}>
              Try again
            </Button>
          </div>
        )}
        {frame && (
          <iframe
            key={frame.nonce}
            ref={iframeRef}
            title="Preview"
            src={frame.src}
            sandbox={sandbox}
            allow="clipboard-write"
            className="preview-frame"
            style={width ? { width: `${width}px` } : undefined}
            onLoad={() => setLoading(false)}
          />
        )}
        {loading && sessionError === null && (
          <div className="preview-loading">
            <Spinner label="Loading preview" />
          </div>
        )}
      </div>
      <ProblemList projectId={projectId} />
    </div>
  );
}

function ContainerBanner({ project, info }: { project: Project; info: ContainerInfo }) {
  const action = useContainerAction(project.id);
  const mayRun = can(project, 'execute');
  if (info.status === 'running') return null;
  if (info.status === 'stopped') {
    return (
      <div className="preview-banner" role="status">
        <span>The app is not running.</span>
        {mayRun ? (
          <Button onClick={() => action.mutate('start')} busy={action.isPending}>
            Start
          </Button>
        ) : (
          <span className="preview-muted">Someone with the execute permission can start it.</span>
        )}
      </div>
    );
  }
  if (info.status === 'crashed') {
    return (
      <div className="preview-banner" data-kind="error" role="alert">
        <div className="preview-banner-row">
          <span>
            The app crashed{info.exitCode !== null ? ` (exit code ${info.exitCode})` : ''}.
            {info.message ? ` ${info.message}` : ''}
          </span>
          {mayRun && (
            <Button variant="secondary" onClick={() => action.mutate('restart')} busy={action.isPending}>
              Restart
            </Button>
          )}
        </div>
        {info.lastLogLines.length > 0 && (
          <LastLogLines lines={info.lastLogLines.slice(-15)} className="preview-crash-lines" />
        )}
      </div>
    );
  }
  return (
    <div className="preview-banner" role="status">
      <Spinner label={phaseLabels[info.status]} />
      <span>
        {phaseLabels[info.status]}
        {info.message ? `: ${info.message}` : '…'}
      </span>
    </div>
  );
}

const kindLabels: Record<PreviewReport['kind'], string> = {
  error: 'Error',
  unhandledrejection: 'Unhandled rejection',
  'console.error': 'console.error',
  navigation: 'Navigation',
};

/** The runtime errors the preview reported, newest first; a row opens to show the stack. */
function ProblemList({ projectId }: { projectId: string }) {
  const reports = usePreviewReports(projectId);
  const askAgent = useAskAgent(projectId);
  const problems = reports.filter(isProblem).reverse();
  const [open, setOpen] = useState(false);
  const [expanded, setExpanded] = useState<ReadonlySet<PreviewReport>>(new Set());
  const toggle = (report: PreviewReport) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (!next.delete(report)) next.add(report);
      return next;
    });
  return (
    <section className="preview-problems" aria-label="Preview errors">
      <div className="preview-problems-header">
        <button
          type="button"
          className="preview-problems-toggle"
          aria-expanded={open}
          aria-controls="preview-problem-list"
          onClick={() => setOpen((value) => !value)}
        >
          <span aria-hidden="true">{open ? '▾' : '▸'}</span> Errors
          <span
            className="preview-badge"
            data-empty={problems.length === 0 || undefined}
            aria-label={`${problems.length} errors`}
          >
            {problems.length}
          </span>
        </button>
        <IconButton
          label="Clear preview errors"
          onClick={() => previewReports.clear(projectId)}
          disabled={reports.length === 0}
        >
          ⌫
        </IconButton>
      </div>
      {open && (
        <ul id="preview-problem-list" className="preview-problem-list">
          {problems.length === 0 && <li className="preview-muted">No errors reported by the preview.</li>}
          {problems.map((report, index) => {
            const isExpanded = expanded.has(report);
            const where =
              report.line !== undefined
                ? `:${report.line}${report.column !== undefined ? `:${report.column}` : ''}`
                : '';
            return (
              <li key={`${report.at}-${index}`} className="preview-problem">
                <button type="button" aria-expanded={isExpanded} onClick={() => toggle(report)}>
                  <span className="preview-problem-kind">{kindLabels[report.kind]}</span>
                  <span className="preview-problem-message">{report.message.split('\n')[0]}</span>
                  <ReportTime at={report.at} />
                </button>
                {isExpanded && (
                  <div className="preview-problem-details">
                    <div className="preview-muted">
                      {report.url}
                      {where}
                    </div>
                    <pre>{report.stack ?? report.message}</pre>
                    <Button variant="secondary" onClick={() => void askAgent(fixRequest(report))}>
                      Fix with AI
                    </Button>
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

function ReportTime({ at }: { at: number }) {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return null;
  return <time dateTime={date.toISOString()}>{date.toLocaleTimeString()}</time>;
}
