import {
  ContainerStatsSchema,
  type ContainerInfo,
  type ContainerStats,
  type Project,
} from '@vaporform/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, apiPath } from '../../platform/api';
import { ApiError } from '../../platform/ApiError';
import { can } from '../../platform/projects';
import { queryKeys } from '../../platform/queryKeys';
import { Button } from '../../ui/Button';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { Spinner } from '../../ui/Spinner';
import {
  containerExists,
  phaseLabels,
  useContainerAction,
  useContainerInfo,
  type ContainerAction,
} from './containerInfo';
import { formatBytes, fraction, networkRates, timeAgo } from './format';
import { LastLogLines } from './LastLogLines';
import './infrastructure.css';

interface StatsView {
  stats: ContainerStats;
  rates: { rx: number; tx: number } | null;
}

/** The sidebar's Infrastructure view: the container's state, its controls and its resource use. */
export function InfrastructureView({ project }: { project: Project }) {
  const container = useContainerInfo(project.id);
  const info = container.data;
  return (
    <div className="infra-view">
      <h2 className="infra-heading">Container</h2>
      {container.isPending && <Spinner label="Loading container status" />}
      <ErrorNotice error={container.error} />
      {info && (
        <>
          <ContainerStatus info={info} />
          {info.restartRequired && (
            <p className="infra-note infra-restart-note" role="note">
              The project’s secrets changed: restart the container to apply them.
            </p>
          )}
          {can(project, 'execute') ? (
            <ContainerControls projectId={project.id} info={info} />
          ) : (
            <p className="infra-note">Starting and stopping the container needs the execute permission.</p>
          )}
          <ContainerDetails info={info} />
          {info.lastLogLines.length > 0 && (info.status === 'crashed' || info.exitCode !== null) && (
            <>
              <h2 className="infra-heading">Last lines before the crash</h2>
              <LastLogLines lines={info.lastLogLines} className="infra-lines" />
            </>
          )}
          <h2 className="infra-heading">Resource use</h2>
          {containerExists(info.status) ? (
            <ResourceUse projectId={project.id} info={info} />
          ) : (
            <p className="infra-note">Shown while the container runs.</p>
          )}
        </>
      )}
    </div>
  );
}

function ContainerStatus({ info }: { info: ContainerInfo }) {
  const busy = info.status === 'creating' || info.status === 'installing' || info.status === 'starting';
  return (
    <div className="infra-status" role="status" aria-label="Container status">
      <span className="infra-dot" data-status={info.status} aria-hidden="true" />
      <strong>{phaseLabels[info.status]}</strong>
      {busy && <Spinner label={phaseLabels[info.status]} />}
      {info.message && <span className="infra-message">{info.message}</span>}
    </div>
  );
}

function ContainerControls({ projectId, info }: { projectId: string; info: ContainerInfo }) {
  const action = useContainerAction(projectId);
  const busy = (which: ContainerAction) => action.isPending && action.variables === which;
  const stopped = info.status === 'stopped';
  return (
    <div className="infra-actions">
      {stopped ? (
        <Button onClick={() => action.mutate('start')} busy={busy('start')} disabled={action.isPending}>
          Start
        </Button>
      ) : (
        <>
          <Button
            variant={info.restartRequired ? 'primary' : 'secondary'}
            onClick={() => action.mutate('restart')}
            busy={busy('restart')}
            disabled={action.isPending}
          >
            Restart
          </Button>
          <Button
            variant="secondary"
            onClick={() => action.mutate('stop')}
            busy={busy('stop')}
            disabled={action.isPending}
          >
            Stop
          </Button>
        </>
      )}
    </div>
  );
}

function ContainerDetails({ info }: { info: ContainerInfo }) {
  const rows: [string, string][] = [
    ['Runtime', info.runtime === 'docker' ? 'Docker' : 'Local processes (no container engine)'],
    ['Environment', info.environment],
    ['Image', info.image ?? '–'],
    ['App port', String(info.appPort)],
    ['Started', info.startedAt ? timeAgo(info.startedAt) : '–'],
    ['Restarts', String(info.restarts)],
    ['Limits', `${info.resources.cpus} CPU · ${formatBytes(info.resources.memoryBytes)}`],
  ];
  if (info.exitCode !== null) rows.push(['Last exit code', String(info.exitCode)]);
  if (info.stopReason !== null && info.status === 'stopped')
    rows.push(['Stopped because', stopReasons[info.stopReason]]);
  return (
    <dl className="infra-details">
      {rows.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd title={value}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

const stopReasons: Record<NonNullable<ContainerInfo['stopReason']>, string> = {
  user: 'someone stopped it',
  idle: 'it was idle',
  crashed: 'it crashed',
  removed: 'it was removed',
  shutdown: 'the server shut down',
};

function ResourceUse({ projectId, info }: { projectId: string; info: ContainerInfo }) {
  const client = useQueryClient();
  const key = queryKeys.containerStats(projectId);
  const stats = useQuery({
    queryKey: key,
    queryFn: async ({ signal }): Promise<StatsView> => {
      const previous = client.getQueryData<StatsView>(key);
      const sample = await api(apiPath('projects', projectId, 'container', 'stats'), {
        schema: ContainerStatsSchema,
        signal,
      });
      return { stats: sample, rates: networkRates(previous?.stats, sample) };
    },
    // Every 2 s while this view shows and the tab is visible (react-query pauses hidden tabs); a server
    // without the route answers 404 once and is not asked again.
    refetchInterval: (query) =>
      query.state.error instanceof ApiError && query.state.error.status === 404 ? false : 2000,
    retry: false,
  });
  if (stats.isPending) return <Spinner label="Loading resource use" />;
  if (!stats.data) {
    const missing = stats.error instanceof ApiError && stats.error.status === 404;
    return (
      <p className="infra-note">
        {missing ? 'This server does not report resource use.' : 'Resource use is not available right now.'}
      </p>
    );
  }
  const { stats: sample, rates } = stats.data;
  const cpuLimit = Math.max(info.resources.cpus, 0) * 100;
  return (
    <div className="infra-resources">
      <Bar
        label="CPU"
        value={sample.cpuPercent}
        max={cpuLimit > 0 ? cpuLimit : 100}
        text={`${sample.cpuPercent.toFixed(1)} % of ${cpuLimit > 0 ? `${info.resources.cpus} CPU` : 'one core'}`}
      />
      <Bar
        label="Memory"
        value={sample.memoryBytes}
        max={sample.memoryLimitBytes}
        text={`${formatBytes(sample.memoryBytes)} / ${formatBytes(sample.memoryLimitBytes)}`}
      />
      <dl className="infra-details">
        <div>
          <dt>Network in</dt>
          <dd>
            {formatBytes(sample.networkRxBytes)}
            {rates && ` · ${formatBytes(rates.rx)}/s`}
          </dd>
        </div>
        <div>
          <dt>Network out</dt>
          <dd>
            {formatBytes(sample.networkTxBytes)}
            {rates && ` · ${formatBytes(rates.tx)}/s`}
          </dd>
        </div>
        <div>
          <dt>Processes</dt>
          <dd>{sample.pids}</dd>
        </div>
      </dl>
      {stats.error && <p className="infra-note">Last update failed; retrying.</p>}
    </div>
  );
}

function Bar({ label, value, max, text }: { label: string; value: number; max: number; text: string }) {
  const share = fraction(value, max);
  return (
    <div className="infra-bar">
      <div className="infra-bar-label">
        <span>{label}</span>
        <span>{text}</span>
      </div>
      <div
        className="infra-bar-track"
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={max}
        aria-valuenow={Math.min(value, max)}
        aria-valuetext={text}
      >
        <div
          className="infra-bar-fill"
          data-level={share > 0.9 ? 'high' : share > 0.7 ? 'medium' : 'low'}
          style={{ width: `${share * 100}%` }}
        />
      </div>
    </div>
  );
}
