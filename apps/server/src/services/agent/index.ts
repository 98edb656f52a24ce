export { AgentService, type AgentServiceOptions } from './service.js';
export { AgentStore } from './store.js';
export { registerAgentRoutes } from './routes.js';
export { createProvider } from './providers/createProvider.js';
export type { LlmProvider } from './providers/llmProvider.js';
export { agentTools, runTool, toolSpecs } from './tools/toolRegistry.js';
export { McpHub } from './mcp/index.js';
export { ToolApprovals } from './toolApprovals.js';
export { UserProviders, userKeyNames } from './providers/userProviders.js';
