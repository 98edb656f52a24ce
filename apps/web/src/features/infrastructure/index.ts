export { InfrastructureView } from './InfrastructureView';
export { LogsPanel } from './LogsPanel';
/** The container's status for the terminal and preview features (one shared query, kept live by the socket). */
export { containerExists, phaseLabels, useContainerAction, useContainerInfo } from './containerInfo';
