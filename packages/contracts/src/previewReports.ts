import { z } from 'zod';

/**
 * What the script the preview gateway injects into HTML pages posts to the IDE window (`postMessage`, target
 * origin = the IDE's). The IDE accepts it only from the project's own preview origin, parses it with this
 * schema, and lists it under the preview; the AI agent reads the same list.
 */
export const PreviewReportSchema = z.object({
  source: z.literal('vaporform-preview'),
  kind: z.enum(['error', 'unhandledrejection', 'console.error', 'navigation']),
  message: z.string().max(4000),
  /** The page's URL when it happened (path and query on the preview origin). */
  url: z.string().max(2000),
  stack: z.string().max(8000).optional(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
  at: z.number(),
});
export type PreviewReport = z.infer<typeof PreviewReportSchema>;
