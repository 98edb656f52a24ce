export { InfrastructureView } from './InfrastructureView';
export { LogsPanel } from './LogsPanel';
/** The container's status for the terminal and preview features (one shared query, kept live by the socket). */
export { containerExists, phaseLabels, useContainerAction, useContainerInfo } from './containerInfo';
/** The preview shows a crash's cause the same way. */
export { LastLogLines } from './LastLogLines';
/** The terminal reopens its socket on the same kind of timer as the log stream. */
export { RetryTimer, type TimerHooks } from './RetryTimer';
