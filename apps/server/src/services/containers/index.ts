export {
  caBundleVariables,
  containerPaths,
  containerUser,
  execMarkerVariable,
  projectLabel,
  projectResourceName,
  traefikLabels,
  type ContainerEvent,
  type ContainerProcess,
  type ContainerEventKind,
  type ContainerResources,
  type ContainerRuntime,
  type ContainerSpec,
  type ContainerState,
  type ContainerStats,
  type ContainerStatus,
  type EventSubscriptionOptions,
  type ExecOptions,
  type ExecResult,
  type HostAddress,
  type ImageBuildRequest,
  type LogLine,
  type LogOptions,
  type LogStream,
  type PipeOptions,
  type PipeSession,
  type ProcessOptions,
  type SandboxRuntime,
  type TtyOptions,
  type TtySession,
} from './containerRuntime.js';
export { DockerRuntime, type DockerRuntimeOptions } from './dockerRuntime.js';
export { LocalRuntime, type LocalRuntimeOptions } from './localRuntime.js';
export {
  defaultResourcePlans,
  resourcesFor,
  scratchSizes,
  type ResourcePlanOptions,
  type ResourceStack,
} from './resourcePlan.js';
export { InstallRecords } from './installRecords.js';
export { openContainerRuntime, type OpenedRuntime } from './openContainerRuntime.js';
export { ProjectSupervisor, type SupervisorTiming } from './projectSupervisor.js';
export { ResourcePlans, type ResourceAdjustment } from './resourcePlans.js';
export { registerContainerRoutes } from './routes.js';
export { ContainersService, keeperCommand, specLabel, type ProjectLookup } from './service.js';
export { StackImages, stackImageTag } from './stackImages.js';
