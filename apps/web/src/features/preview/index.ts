export { PreviewPanel } from './PreviewPanel';
/** The preview's reports (runtime errors, navigations), for the AI agent. */
export { usePreviewReports } from './previewReports';
