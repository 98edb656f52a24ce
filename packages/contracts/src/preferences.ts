import { z } from 'zod';

/**
 * A user's IDE settings, kept on the server so they follow the user to another browser. Unknown keys are
 * refused and every value is bounded: this is a settings record, not a place to store data.
 */
export const ThemeSchema = z.enum(['dark', 'light']);
export type Theme = z.infer<typeof ThemeSchema>;

const LayoutIdSchema = z.string().regex(/^[a-z][a-zA-Z0-9.-]{0,63}$/);

export const PreferencesSchema = z.strictObject({
  theme: ThemeSchema.default('dark'),
  /** Save open files shortly after the last keystroke. */
  autosave: z.boolean().default(false),
  editorFontSize: z.number().int().min(8).max(32).default(14),
  terminalFontSize: z.number().int().min(8).max(32).default(13),
  /** Hold the AI's file changes as a proposal to review, instead of writing them as it goes. */
  agentReview: z.boolean().default(false),
  /** Panel sizes in percent by layout and panel id (e.g. `workbench` → `{sidebar: 18, main: 52, aside: 30}`). */
  layout: z
    .record(
      LayoutIdSchema,
      z
        .record(LayoutIdSchema, z.number().min(0).max(100))
        .refine((sizes) => Object.keys(sizes).length <= 8, 'at most 8 panels'),
    )
    .refine((layout) => Object.keys(layout).length <= 32, 'at most 32 layouts')
    .default({}),
});
export type Preferences = z.infer<typeof PreferencesSchema>;
export const defaultPreferences: Preferences = PreferencesSchema.parse({});

/** PUT replaces the whole record; fields left out take their defaults. */
export const PutPreferencesBodySchema = PreferencesSchema;
