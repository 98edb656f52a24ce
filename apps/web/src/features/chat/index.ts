export { ChatPanel } from './ChatPanel';
export { useAskAgent } from './useAskAgent';
export { useAgentStatus } from './useChatThread';
export { AgentActivity } from './AgentActivity';
