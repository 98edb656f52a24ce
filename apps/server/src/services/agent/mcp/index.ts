export { McpHub, type McpCallResult, type McpHubOptions, type McpToolList } from './mcpHub.js';
export { mcpToolName, type McpInputSchema, type McpToolInfo } from './mcpToolInfo.js';
export {
  maxServers,
  mcpConfigFile,
  parseMcpConfig,
  serverNamePattern,
  type McpServerConfig,
  type ParsedMcpConfig,
} from './mcpConfig.js';
export { McpHostPolicy } from './mcpHostPolicy.js';
