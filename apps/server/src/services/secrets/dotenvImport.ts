import {
  maxSecretValueChars,
  SecretNameSchema,
  type ImportSecretsBody,
  type ImportSecretsResult,
} from '@vaporform/contracts';
import type { AuditLog } from '../../platform/audit/AuditLog.js';
import { AppError } from '../../platform/errors/AppError.js';
import { parseDotenv, withoutLines, type DotenvEntry } from './parseDotenv.js';
import type { SecretActor, SecretsService } from './service.js';

/** The workspace as the import needs it (the files service: paths confined, writes atomic). */
export interface DotenvWorkspace {
  read(
    projectId: string,
    path: string,
  ): Promise<{ path: string; content: Buffer; etag: string; binary: boolean }>;
  write(
    projectId: string,
    path: string,
    content: Buffer,
    preconditions: { ifMatch: string },
  ): Promise<unknown>;
}

export interface DotenvImportOptions {
  secrets: Pick<SecretsService, 'listProject' | 'putProject'>;
  workspace: DotenvWorkspace;
  audit: Pick<AuditLog, 'record'>;
}

/** Why an assignment cannot become a secret; null when it can. Names only, never the value. */
function unusable(entry: DotenvEntry): string | null {
  if (!SecretNameSchema.safeParse(entry.name).success) {
    return `${entry.name} is not a secret name (upper-case letters, digits and underscores)`;
  }
  if (entry.value.length > maxSecretValueChars) return `the value of ${entry.name} is over 32 KiB`;
  if (entry.value.includes('\0')) return `the value of ${entry.name} contains NUL`;
  return null;
}

/**
 * Moves variables from a workspace dotenv file into project secrets: the values are stored first, and only
 * once all are does the file lose their lines (an atomic rewrite, refused if the file changed meanwhile), so
 * a failure midway never loses a value. Without `confirm: true` it is a dry run.
 */
export class DotenvImport {
  constructor(private readonly options: DotenvImportOptions) {}

  async run(actor: SecretActor, projectId: string, body: ImportSecretsBody): Promise<ImportSecretsResult> {
    const { workspace, secrets } = this.options;
    const file = await workspace.read(projectId, body.path ?? '.env');
    if (file.binary) throw new AppError('unsupported_media_type', `'${file.path}' is not a text file`);
    const text = file.content.toString('utf8');
    const parsed = parseDotenv(text);

    const skipped: ImportSecretsResult['skipped'] = [...parsed.problems];
    // The last assignment of a name is the one a loader keeps; every line of that name leaves the file.
    const usable = new Map<string, DotenvEntry>();
    const linesOf = new Map<string, number[]>();
    for (const entry of parsed.entries) {
      const problem = unusable(entry);
      if (problem !== null) {
        skipped.push({ line: entry.firstLine, reason: problem });
        continue;
      }
      usable.delete(entry.name); // keeps the order of the last assignment
      usable.set(entry.name, entry);
      const lines = linesOf.get(entry.name) ?? [];
      for (let line = entry.firstLine; line <= entry.lastLine; line++) lines.push(line);
      linesOf.set(entry.name, lines);
    }
    skipped.sort((a, b) => a.line - b.line);

    const missing = (body.names ?? []).filter((name) => !usable.has(name));
    if (missing.length > 0) {
      throw new AppError(
        'validation_failed',
        `${file.path} has no usable assignment of ${missing.join(', ')}`,
        { issues: missing.map((name) => ({ path: 'names', message: `${name} is not in ${file.path}` })) },
      );
    }
    const chosen = new Set(body.names ?? usable.keys());
    const existing = new Set((await secrets.listProject(projectId)).map((secret) => secret.name));
    const variables = [...usable.values()].map((entry) => ({
      name: entry.name,
      line: entry.firstLine,
      exists: existing.has(entry.name),
      selected: chosen.has(entry.name),
    }));
    const result = { path: file.path, variables, skipped };
    if (body.confirm !== true) return { ...result, applied: false, imported: [] };
    if (chosen.size === 0) return { ...result, applied: true, imported: [] };

    const imported: string[] = [];
    for (const entry of usable.values()) {
      if (!chosen.has(entry.name)) continue;
      await secrets.putProject(actor, projectId, entry.name, {
        value: entry.value,
        environment: body.environment ?? null,
      });
      imported.push(entry.name);
    }
    const remove = new Set(imported.flatMap((name) => linesOf.get(name) ?? []));
    try {
      await workspace.write(projectId, file.path, Buffer.from(withoutLines(text, remove), 'utf8'), {
        ifMatch: file.etag,
      });
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'conflict')) throw error;
      throw new AppError(
        'conflict',
        `${file.path} changed while importing: the secrets were stored but the file was left as it is; ` +
          'import again to remove them from it',
        { cause: error },
      );
    }
    await this.options.audit.record({
      actorId: actor.userId,
      projectId,
      action: 'secret.imported',
      detail: { path: file.path, names: imported, removedLines: remove.size },
    });
    return { ...result, applied: true, imported };
  }
}
