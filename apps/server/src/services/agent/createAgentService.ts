import type { Logger } from 'pino';
import { AuditLog } from '../../platform/audit/AuditLog.js';
import type { Config } from '../../platform/config/config.js';
import type { SharedDb } from '../../platform/db/openDatabase.js';
import type { EventBus } from '../../platform/events/EventBus.js';
import type { DisposableStore } from '../../platform/lifecycle/DisposableStore.js';
import { toDisposable } from '../../platform/lifecycle/DisposableStore.js';
import type { CheckpointService } from '../checkpoints/index.js';
import type { ContainersService } from '../containers/index.js';
import type { FilesService } from '../files/index.js';
import { McpHub } from './mcp/index.js';
import { createProvider } from './providers/createProvider.js';
import { UserProviders } from './providers/userProviders.js';
import { AgentService, type AgentServiceOptions } from './service.js';
import { AgentStore } from './store.js';
import { ToolApprovals } from './toolApprovals.js';
import { agentTools, runTool, toolSpecs } from './tools/toolRegistry.js';

/** What the agent needs from the rest of the server; the composition root passes it in. */
export interface AgentDependencies extends Pick<
  AgentServiceOptions,
  'describeProject' | 'permissionOf' | 'previewErrors' | 'reviewByDefault'
> {
  settings: Config['agent'];
  db: SharedDb;
  events: EventBus;
  files: FilesService;
  containers: ContainersService;
  checkpoints: CheckpointService;
  secrets: {
    userSecret(userId: string, name: string): Promise<string | null>;
    masker(projectId: string): Promise<(text: string) => string>;
  };
  /** Sent to MCP servers in the handshake. */
  version: string;
  logger: Logger;
}

/**
 * The agent with its parts: the server-wide model (or the hint saying how to add one), users' own keys,
 * the built-in tools, the MCP hub and approvals. What it holds is released with `disposables`. Turns a
 * previous process left running are marked failed before it answers.
 */
export async function createAgentService(
  dependencies: AgentDependencies,
  disposables: DisposableStore,
): Promise<AgentService> {
  const { settings, db, events, files, containers, secrets, logger } = dependencies;
  const model = createProvider(settings);
  if (!model.provider) logger.info(model.hint);
  const userProviders = new UserProviders({
    secret: (userId, name) => secrets.userSecret(userId, name),
    settings,
  });
  disposables.add(events.subscribe('user.secrets.changed', ({ userId }) => userProviders.forget(userId)));
  const hub = disposables.add(
    new McpHub({
      containers,
      files,
      events,
      allowedHosts: settings.mcpAllowedHosts,
      clientVersion: dependencies.version,
      logger,
    }),
  );
  const agent = new AgentService({
    store: new AgentStore(db),
    audit: new AuditLog(db),
    events,
    provider: model.provider,
    hint: model.hint,
    tools: agentTools,
    toolSpecs: toolSpecs(agentTools),
    runTool: (name, input, context, permission) => runTool(agentTools, name, input, context, permission),
    masker: (projectId) => secrets.masker(projectId),
    files,
    containers,
    checkpoints: dependencies.checkpoints,
    describeProject: dependencies.describeProject,
    permissionOf: dependencies.permissionOf,
    previewErrors: dependencies.previewErrors,
    reviewByDefault: dependencies.reviewByDefault,
    userProvider: (userId) => userProviders.forUser(userId),
    mcp: { hub, approvals: new ToolApprovals(db) },
    limits: {
      maxIterations: settings.maxIterations,
      maxTokens: settings.maxTokens,
      contextTokens: settings.contextTokens,
    },
    budgets: { userDailyUsd: settings.userDailyUsd, projectDailyUsd: settings.projectDailyUsd },
    logger,
  });
  await agent.recover();
  disposables.add(toDisposable(() => agent.dispose()));
  return agent;
}
