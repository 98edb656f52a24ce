import type { ContainerLogLine, Project } from '@vaporform/contracts';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { apiPath, request } from '../../platform/api';
import { IconButton } from '../../ui/Button';
import { containerExists, useContainerInfo } from './containerInfo';
import { clockTime, stripAnsi } from './format';
import { LogStream, type LogStreamState } from './logStream';
import './infrastructure.css';

/** Lines kept in the panel; older ones fall off the top. */
export const maxLogLines = 5000;

interface LogEntry extends ContainerLogLine {
  id: number;
  plain: string;
}

/** Appends a batch and drops the oldest lines past the cap. */
export function appendCapped<T>(current: readonly T[], batch: readonly T[], cap = maxLogLines): T[] {
  const next = current.concat(batch);
  return next.length > cap ? next.slice(next.length - cap) : next;
}

/** The bottom panel's "Output": the container log, followed live. */
export function LogsPanel({ project }: { project: Project }) {
  return <LogsView key={project.id} projectId={project.id} slug={project.slug} />;
}

function LogsView({ projectId, slug }: { projectId: string; slug: string }) {
  const [lines, setLines] = useState<LogEntry[]>([]);
  const [state, setState] = useState<LogStreamState>({ kind: 'connecting' });
  const [filter, setFilter] = useState('');
  const [following, setFollowing] = useState(true);
  const listRef = useRef<HTMLDivElement>(null);
  const streamRef = useRef<LogStream | null>(null);
  const runningRef = useRef(false);

  const container = useContainerInfo(projectId, ({ status }) => {
    runningRef.current = containerExists(status);
    if (runningRef.current) streamRef.current?.kick();
  });
  const status = container.data?.status;
  useEffect(() => {
    runningRef.current = containerExists(status);
    if (runningRef.current) streamRef.current?.kick();
  }, [status]);

  useEffect(() => {
    let nextId = 0;
    let pending: LogEntry[] = [];
    let flushTimer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      flushTimer = undefined;
      const batch = pending;
      pending = [];
      setLines((current) => appendCapped(current, batch));
    };
    const stream = new LogStream({
      open: async (query, signal) => {
        const params = new URLSearchParams({ follow: 'true', tail: String(query.tail) });
        if (query.since) params.set('since', query.since);
        const response = await request(`${apiPath('projects', projectId, 'logs')}?${params.toString()}`, {
          signal,
        });
        if (!response.body) throw new Error('The browser cannot stream the log.');
        return response.body;
      },
      onLines: (batch) => {
        for (const line of batch) pending.push({ ...line, id: nextId++, plain: stripAnsi(line.text) });
        // A busy log would otherwise render once per line.
        if (pending.length > maxLogLines) pending = pending.slice(-maxLogLines);
        flushTimer ??= setTimeout(flush, 100);
      },
      onState: setState,
      running: () => runningRef.current,
    });
    streamRef.current = stream;
    stream.start();
    return () => {
      stream.stop();
      streamRef.current = null;
      clearTimeout(flushTimer);
    };
  }, [projectId]);

  const visible = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    return needle ? lines.filter((line) => line.plain.toLowerCase().includes(needle)) : lines;
  }, [lines, filter]);

  useLayoutEffect(() => {
    const list = listRef.current;
    if (list && following) list.scrollTop = list.scrollHeight;
  }, [visible, following]);

  const onScroll = () => {
    const list = listRef.current;
    if (!list) return;
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 8;
    if (atBottom !== following) setFollowing(atBottom);
  };

  const download = () => {
    const text = lines.map((line) => `${line.time} ${line.stream} ${line.plain}`).join('\n');
    const url = URL.createObjectURL(new Blob([`${text}\n`], { type: 'text/plain' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `${slug}-${new Date().toISOString().replace(/[:.]/g, '-')}.log`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  return (
    <div className="logs-panel">
      <div className="logs-toolbar">
        <input
          type="search"
          className="logs-filter"
          placeholder="Filter"
          aria-label="Filter log lines"
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
        />
        <span className="logs-state" role="status">
          {describeState(state)}
          {filter.trim() && ` · ${visible.length} of ${lines.length} lines`}
        </span>
        {!following && (
          <IconButton label="Scroll to the end and follow" onClick={() => setFollowing(true)}>
            ↓
          </IconButton>
        )}
        <IconButton label="Clear output" onClick={() => setLines([])}>
          ⌫
        </IconButton>
        <IconButton label="Download log" onClick={download} disabled={lines.length === 0}>
          ⤓
        </IconButton>
      </div>
      <div
        ref={listRef}
        className="logs-lines"
        role="log"
        aria-label="Container output"
        aria-live="off"
        tabIndex={0}
        onScroll={onScroll}
      >
        {visible.length === 0 && (
          <div className="logs-empty">
            {lines.length === 0 ? 'No output yet.' : 'No line matches the filter.'}
          </div>
        )}
        {visible.map((line) => (
          <div key={line.id} className="logs-line" data-stream={line.stream}>
            <time dateTime={line.time}>{clockTime(line.time)}</time>
            <span>{line.plain}</span>
          </div>
        ))}
      </div>
    </div>
  );
}

function describeState(state: LogStreamState): string {
  switch (state.kind) {
    case 'connecting':
      return 'Connecting…';
    case 'streaming':
      return 'Following the container log';
    case 'idle':
      return 'The container is not running; the log continues when it starts';
    case 'retrying':
      return state.error ? `Reconnecting… (${state.error})` : 'Reconnecting…';
    case 'failed':
      return state.error;
  }
}
