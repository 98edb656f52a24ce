export { ChatPanel } from './ChatPanel';
export { useAskAgent } from './useAskAgent';
