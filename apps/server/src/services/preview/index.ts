export { PreviewGateway, previewCookie, sessionPath, type PreviewProject } from './previewGateway.js';
export { registerPreviewRoutes } from './routes.js';
export { PreviewTokens } from './previewTokens.js';
export { PreviewReports } from './previewReports.js';
