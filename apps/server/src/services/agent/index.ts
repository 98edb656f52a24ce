export { AgentService, type AgentServiceOptions } from './service.js';
export { AgentStore } from './store.js';
export { registerAgentRoutes } from './routes.js';
export { createAgentService, type AgentDependencies } from './createAgentService.js';
export { createProvider } from './providers/createProvider.js';
export type { LlmProvider } from './providers/llmProvider.js';
export { agentTools, runTool, toolSpecs } from './tools/toolRegistry.js';
export { userKeyNames } from './providers/userProviders.js';
