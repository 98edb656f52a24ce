import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { TemplateManifestSchema, type TemplateManifest, type TemplateSummary } from '@vaporform/contracts';
import { AppError } from '../../platform/errors/AppError.js';

export interface Template {
  manifest: TemplateManifest;
  /** The folder whose files (all but template.json) seed a new workspace. */
  directory: string;
}

export const manifestFileName = 'template.json';

/**
 * The templates the wizard offers, read and validated once at start: a broken manifest stops the server
 * with the file and field named, rather than failing the first user who picks it.
 */
export class TemplateRegistry {
  private constructor(private readonly templates: Map<string, Template>) {}

  static async load(templatesDir: string): Promise<TemplateRegistry> {
    const templates = new Map<string, Template>();
    const entries = await readdir(templatesDir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries
      .filter((item) => item.isDirectory())
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const directory = path.join(templatesDir, entry.name);
      const file = path.join(directory, manifestFileName);
      let raw: unknown;
      try {
        raw = JSON.parse(await readFile(file, 'utf8'));
      } catch (error) {
        throw new Error(`Template manifest ${file} is missing or not JSON`, { cause: error });
      }
      const parsed = TemplateManifestSchema.safeParse(raw);
      if (!parsed.success) {
        const problems = parsed.error.issues
          .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
          .join('; ');
        throw new Error(`Template manifest ${file} is invalid: ${problems}`);
      }
      if (parsed.data.id !== entry.name)
        throw new Error(`Template manifest ${file} has id '${parsed.data.id}', not '${entry.name}'`);
      templates.set(parsed.data.id, { manifest: parsed.data, directory });
    }
    return new TemplateRegistry(templates);
  }

  list(): TemplateSummary[] {
    return [...this.templates.values()].map(({ manifest }) => ({
      id: manifest.id,
      name: manifest.name,
      description: manifest.description,
      language: manifest.language,
      framework: manifest.framework,
      stack: manifest.stack,
      port: manifest.port,
      needsNetwork: manifest.needsNetwork,
    }));
  }

  get(id: string): Template {
    const template = this.templates.get(id);
    if (!template) {
      throw new AppError(
        'validation_failed',
        `Unknown template '${id}'; GET /api/templates lists the available ones`,
        {
          issues: [{ path: 'body.templateId', message: 'is not a known template' }],
        },
      );
    }
    return template;
  }
}
