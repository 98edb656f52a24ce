import { ContainerInfoSchema, ContainerPhaseSchema, type Project } from '@vaporform/contracts';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useReducer } from 'react';
import { Link, useLocation } from 'wouter';
import { api, apiPath } from '../../platform/api';
import { useProjectEvents } from '../../platform/projectEvents';
import { queryKeys } from '../../platform/queryKeys';
import { Spinner } from '../../ui/Spinner';
import { advance, initialProgress, outcome, progressSteps, type StepState } from './progressModel';

/** How long to show "App running" before switching, and how long to wait for a container that never starts. */
const readyDelayMs = 700;
const noRuntimeDelayMs = 2000;
const pollMs = 1500;

function StepIcon({ state }: { state: StepState }) {
  if (state === 'active') return <Spinner label="In progress" />;
  const text = { done: 'Done', failed: 'Failed', pending: 'Waiting' }[state];
  return (
    <span className="wizard-step-icon" data-state={state} role="img" aria-label={text}>
      {state === 'done' ? '✓' : state === 'failed' ? '✕' : ''}
    </span>
  );
}

/**
 * Follows a new project's container from `creating` to `running` over the project socket, with polling as
 * the fallback, then opens the IDE. The IDE can be opened at any time; it works while the container starts.
 */
/** `generating`: the agent was asked to build the app, so the IDE opens with the chat showing. */
export function CreationProgress({
  project,
  generating = false,
}: {
  project: Project;
  generating?: boolean;
}) {
  const [, navigate] = useLocation();
  const [progress, report] = useReducer(advance, initialProgress);
  const ideHref = `/projects/${project.id}${generating ? '?aside=chat' : ''}`;

  useProjectEvents(project.id, {
    event: (event) => {
      if (event.name !== 'container.status') return;
      const status = ContainerPhaseSchema.safeParse(event.payload.status);
      if (!status.success) return;
      const message = typeof event.payload.message === 'string' ? event.payload.message : null;
      report({ status: status.data, message });
    },
  });
  const container = useQuery({
    queryKey: queryKeys.container(project.id),
    queryFn: async ({ signal }) => {
      const info = await api(apiPath('projects', project.id, 'container'), {
        schema: ContainerInfoSchema,
        signal,
      });
      report({ status: info.status, message: info.message });
      return info;
    },
    retry: false,
    refetchInterval: (query) => (query.state.data?.status === 'running' ? false : pollMs),
  });

  const next = outcome(progress, container.isError);
  useEffect(() => {
    if (next !== 'ready' && next !== 'no-runtime') return undefined;
    const timer = setTimeout(
      () => navigate(ideHref, { replace: true }),
      next === 'ready' ? readyDelayMs : noRuntimeDelayMs,
    );
    return () => clearTimeout(timer);
  }, [next, ideHref, navigate]);

  const steps = progressSteps(progress);
  const logLines = container.data?.lastLogLines ?? [];
  return (
    <section className="wizard-progress" aria-labelledby="wizard-progress-title">
      <h1 id="wizard-progress-title" className="page-title">
        {next === 'crashed' ? `${project.name} did not start` : `Setting up ${project.name}`}
      </h1>
      <p className="wizard-progress-lead">
        {next === 'crashed'
          ? 'The app crashed while starting. The IDE works anyway: open it to read the logs and fix the problem.'
          : next === 'no-runtime'
            ? 'This server runs no container for the project right now; opening the IDE…'
            : 'Your project is created. Its container is starting; the IDE opens when the app runs.'}
      </p>
      {next === 'no-runtime' && progress.message && (
        <p className="wizard-progress-note">{progress.message}</p>
      )}
      <ol className="wizard-steps" aria-live="polite">
        <li className="wizard-step" data-state="done">
          <StepIcon state="done" />
          <span className="wizard-step-label">Project created</span>
        </li>
        {steps.map((step) => (
          <li
            key={step.id}
            className="wizard-step"
            data-state={step.state}
            aria-current={step.state === 'active' ? 'step' : undefined}
          >
            <StepIcon state={step.state} />
            <span className="wizard-step-label">{step.label}</span>
            {(step.state === 'active' || step.state === 'failed') && progress.message && (
              <span className="wizard-step-message">{progress.message}</span>
            )}
          </li>
        ))}
      </ol>
      {next === 'crashed' && logLines.length > 0 && (
        <figure className="wizard-log">
          <figcaption>Last log lines</figcaption>
          <pre>{logLines.join('\n')}</pre>
        </figure>
      )}
      <div className="wizard-progress-actions">
        <Link href={ideHref} className="button wizard-open">
          {next === 'crashed' ? 'Open the IDE anyway' : 'Open the IDE now'}
        </Link>
        {next === 'wait' && (
          <span className="wizard-progress-note">The IDE works while the container starts.</span>
        )}
      </div>
    </section>
  );
}
