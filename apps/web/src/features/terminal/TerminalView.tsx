import type { ContainerPhase } from '@vaporform/contracts';
import { FitAddon } from '@xterm/addon-fit';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'react';
import { api, apiPath } from '../../platform/api';
import { useCommands } from '../../platform/commands';
import type { Theme } from '@vaporform/contracts';
import { Button } from '../../ui/Button';
import { bufferText } from './bufferText';
import { CommandFailureBar } from './CommandFailureBar';
import { CommandTracker, type FinishedCommand } from './commandTracker';
import { fixCommandRequest, nextFailure } from './failedCommand';
import { OutputTail } from './outputTail';
import { canRestart } from './reconnectPolicy';
import { TerminalConnection, type ConnectionState, type TerminalSize } from './terminalConnection';
import { terminalFontFamily, themeFromCss } from './xtermTheme';

/** What the panel can ask of a mounted terminal. */
export interface TerminalHandle {
  focus: () => void;
  resumeIfDown: (restarted: boolean) => void;
}

export interface TerminalViewProps {
  projectId: string;
  terminalId: string;
  label: string;
  active: boolean;
  theme: Theme;
  fontSize: number;
  /** The container's phase, to tell "not running" apart from other refusals. */
  containerStatus: ContainerPhase | undefined;
  canStart: boolean;
  starting: boolean;
  onStart: () => void;
  onHandle: (terminalId: string, handle: TerminalHandle | null) => void;
  onStateChange: (terminalId: string, state: ConnectionState) => void;
  /** Asks the AI agent; without it (no model, or the user may not write) failed commands offer nothing. */
  onAskAgent?: (message: string) => void;
}

export function terminalSocketUrl(projectId: string, terminalId: string, size: TerminalSize): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = new URLSearchParams({ cols: String(size.cols), rows: String(size.rows) });
  return `${scheme}//${location.host}${apiPath('projects', projectId, 'terminals', terminalId)}?${query.toString()}`;
}

/** Opens http(s) links from the terminal in a new tab that cannot reach back into the IDE. */
export function openTerminalLink(uri: string): void {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return;
  window.open(url.href, '_blank', 'noopener,noreferrer');
}

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/**
 * Keys the IDE keeps for itself while the terminal has focus (VS Code's "commands to skip shell"): ⌘
 * combinations on a Mac, Ctrl+Shift combinations and function keys, and the few Ctrl keys that toggle the
 * workbench. Everything else (Ctrl+C, Ctrl+R, …) belongs to the shell.
 */
function isIdeShortcut(event: KeyboardEvent): boolean {
  if (/^F\d{1,2}$/.test(event.key)) return true;
  if (isMac) return event.metaKey;
  if (!event.ctrlKey || event.altKey) return false;
  if (event.shiftKey) return true;
  return ['p', 'b', 'j', '`', ','].includes(event.key.toLowerCase());
}

/** One xterm.js terminal attached to one shell in the project container. */
export function TerminalView({
  projectId,
  terminalId,
  label,
  active,
  theme,
  fontSize,
  containerStatus,
  canStart,
  starting,
  onStart,
  onHandle,
  onStateChange,
  onAskAgent,
}: TerminalViewProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const outputRef = useRef<HTMLDivElement>(null);
  const terminalRef = useRef<Terminal | null>(null);
  const fitRef = useRef<(() => void) | null>(null);
  const connectionRef = useRef<TerminalConnection | null>(null);
  const [state, setState] = useState<ConnectionState>({ kind: 'connecting', attempt: 0 });
  const [failure, setFailure] = useState<FinishedCommand | null>(null);
  const commands = useCommands();
  const onHandleRef = useRef(onHandle);
  const onStateChangeRef = useRef(onStateChange);
  useEffect(() => {
    onHandleRef.current = onHandle;
    onStateChangeRef.current = onStateChange;
  });

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return undefined;
    const terminal = new Terminal({
      fontFamily: terminalFontFamily,
      cursorBlink: true,
      scrollback: 10_000,
      theme: themeFromCss(),
    });
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    terminal.loadAddon(new WebLinksAddon((_event, uri) => openTerminalLink(uri)));
    terminal.open(host);
    terminalRef.current = terminal;

    const fitNow = () => {
      // A hidden tab measures 0×0; fitting then would shrink the shell to one column.
      if (host.clientWidth === 0 || host.clientHeight === 0) return;
      try {
        fit.fit();
      } catch {
        // Not rendered yet; the next resize fits.
      }
    };
    fitRef.current = fitNow;
    fitNow();

    const tail = new OutputTail(4096);
    let flushTimer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      flushTimer = undefined;
      if (outputRef.current) outputRef.current.textContent = tail.text();
    };
    const scheduleFlush = () => {
      flushTimer ??= setTimeout(flush, 50);
    };

    // Shell integration: the server's bash marks each command's start and end (OSC 633).
    const tracker = new CommandTracker({
      mark: () => terminal.registerMarker(0),
      textFrom: (line, limit) => {
        const buffer = terminal.buffer.normal;
        return bufferText(buffer, line, buffer.baseY + buffer.cursorY, limit);
      },
    });
    // A new socket's scrollback replay holds old marks: they place the tracker, but only a command that
    // ends after the replay is offered for fixing (not the one fixed or dismissed before a reload).
    let live = false;
    let replays = 0;
    const oscHandler = terminal.parser.registerOscHandler(633, (data) => {
      const finished = tracker.handle(data);
      if (finished && live) setFailure((current) => nextFailure(current, finished));
      return true;
    });

    const connection = new TerminalConnection({
      url: (size) => terminalSocketUrl(projectId, terminalId, size),
      size: () => ({ cols: terminal.cols, rows: terminal.rows }),
      onOutput: (bytes) => {
        terminal.write(bytes);
        tail.push(bytes);
        scheduleFlush();
      },
      onReset: () => {
        live = false;
        replays += 1;
        tracker.reset();
        terminal.reset();
        tail.clear();
        scheduleFlush();
      },
      probe: async () => {
        await api(apiPath('projects', projectId, 'terminals'));
      },
    });
    connectionRef.current = connection;
    const stopListening = connection.onState((next) => {
      if (next.kind === 'open') {
        // `ready` follows the replay; xterm parses what it was given asynchronously, in order.
        const replay = replays;
        terminal.write('', () => {
          if (replay === replays) live = true;
        });
      }
      setState(next);
      onStateChangeRef.current(terminalId, next);
    });

    const subscriptions = [
      terminal.onData((data) => connection.send(data)),
      terminal.onBinary((data) =>
        connection.send(Uint8Array.from(data, (char) => char.charCodeAt(0) & 0xff)),
      ),
      terminal.onResize((size) => connection.resize(size)),
    ];
    terminal.attachCustomKeyEventHandler((event) => {
      if (event.type !== 'keydown') return true;
      if (
        !isMac &&
        event.ctrlKey &&
        event.shiftKey &&
        event.key.toLowerCase() === 'c' &&
        terminal.hasSelection()
      ) {
        void navigator.clipboard?.writeText(terminal.getSelection()).catch(() => undefined);
        return false;
      }
      if (!isIdeShortcut(event)) return true;
      return !commands.handleKeydown(event);
    });

    let frame = 0;
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(fitNow);
    });
    observer.observe(host);

    // The theme lives on <html data-theme>; follow it whoever changes it.
    const themeObserver = new MutationObserver(() => {
      terminal.options.theme = themeFromCss();
    });
    themeObserver.observe(document.documentElement, {
      attributes: true,
      attributeFilter: ['data-theme', 'style', 'class'],
    });

    onHandleRef.current(terminalId, {
      focus: () => terminal.focus(),
      resumeIfDown: (restarted) => connection.resumeIfDown(restarted),
    });
    connection.start();

    return () => {
      onHandleRef.current(terminalId, null);
      observer.disconnect();
      themeObserver.disconnect();
      cancelAnimationFrame(frame);
      clearTimeout(flushTimer);
      for (const subscription of subscriptions) subscription.dispose();
      oscHandler.dispose();
      tracker.reset();
      stopListening();
      connection.dispose();
      connectionRef.current = null;
      terminalRef.current = null;
      fitRef.current = null;
      terminal.dispose();
    };
  }, [projectId, terminalId, commands]);

  useEffect(() => {
    const terminal = terminalRef.current;
    if (!terminal) return;
    terminal.options.fontSize = fontSize;
    fitRef.current?.();
  }, [fontSize]);

  useEffect(() => {
    // The preference changes before <html data-theme> does (that effect belongs to a parent); read the
    // variables once the new theme is applied.
    const frame = requestAnimationFrame(() => {
      if (terminalRef.current) terminalRef.current.options.theme = themeFromCss();
    });
    return () => cancelAnimationFrame(frame);
  }, [theme]);

  useEffect(() => {
    if (!active) return;
    const frame = requestAnimationFrame(() => {
      fitRef.current?.();
      terminalRef.current?.focus();
    });
    return () => cancelAnimationFrame(frame);
  }, [active]);

  return (
    <div
      className="terminal-view"
      role="tabpanel"
      data-state={state.kind}
      id={`terminal-panel-${terminalId}`}
      aria-label={label}
      hidden={!active}
    >
      <StatusOverlay
        state={state}
        containerStatus={containerStatus}
        canStart={canStart}
        starting={starting}
        onStart={onStart}
        onRestart={() => connectionRef.current?.restart()}
        onReconnect={() => connectionRef.current?.reconnectNow()}
      />
      <div ref={hostRef} className="terminal-host" />
      {failure && onAskAgent && (
        <CommandFailureBar
          failure={failure}
          onFix={() => {
            onAskAgent(fixCommandRequest(failure));
            setFailure(null);
          }}
          onDismiss={() => {
            setFailure(null);
            terminalRef.current?.focus();
          }}
        />
      )}
      <div ref={outputRef} className="visually-hidden" aria-hidden="false" data-testid="terminal-output" />
    </div>
  );
}

function StatusOverlay({
  state,
  containerStatus,
  canStart,
  starting,
  onStart,
  onRestart,
  onReconnect,
}: {
  state: ConnectionState;
  containerStatus: ContainerPhase | undefined;
  canStart: boolean;
  starting: boolean;
  onStart: () => void;
  onRestart: () => void;
  onReconnect: () => void;
}) {
  const containerDown = containerStatus === 'stopped' || containerStatus === 'creating';
  if (state.kind === 'open') return null;
  if (state.kind === 'connecting') {
    if (state.attempt === 0) return null;
    return (
      <div className="terminal-status" role="status">
        Reconnecting…
      </div>
    );
  }
  if (state.kind === 'reconnecting') {
    return (
      <div className="terminal-status" role="status">
        <span>The connection was lost. Reconnecting (attempt {state.attempt})…</span>
        <Button variant="secondary" onClick={onReconnect}>
          Reconnect now
        </Button>
      </div>
    );
  }
  const notRunning = state.kind === 'conflict' || (state.kind === 'ended' && state.reason === 'exited');
  if (notRunning && (containerDown || (state.kind === 'conflict' && containerStatus === undefined))) {
    return (
      <div className="terminal-status terminal-status-blocking" role="alert">
        {containerStatus === 'creating' ? (
          <span>The container is starting…</span>
        ) : (
          <>
            <span>The container is not running.</span>
            {canStart && (
              <Button onClick={onStart} busy={starting}>
                Start
              </Button>
            )}
          </>
        )}
      </div>
    );
  }
  const restartable = state.kind === 'conflict' || canRestart(state.reason);
  return (
    <div className="terminal-status terminal-status-blocking" role="alert">
      <span>{state.message}</span>
      {restartable && (
        <Button variant="secondary" onClick={onRestart}>
          Restart terminal
        </Button>
      )}
      {state.kind === 'ended' && state.reason === 'unauthenticated' && (
        <a href={`/login?next=${encodeURIComponent(location.pathname)}`}>Sign in again</a>
      )}
    </div>
  );
}
