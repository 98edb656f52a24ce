import { lstat, readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { Stack, TemplateManifest } from '@vaporform/contracts';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { z } from 'zod';
import { AppError } from '../../platform/errors/AppError.js';

/** Where the project's image comes from. */
export type ImageSource =
  | { kind: 'stack'; stack: Stack }
  /** An image already on the Docker host (there is no registry to pull from). */
  | { kind: 'existing'; name: string }
  /** Built from the workspace: `dockerfile` is relative to `contextDir`. */
  | { kind: 'build'; contextDir: string; dockerfile: string; args: Record<string, string> };

/** Everything the lifecycle needs to know about how a project runs. */
export interface RuntimeProfile {
  environment: 'template' | 'devcontainer' | 'dockerfile';
  stack: Stack;
  image: ImageSource;
  install: string | null;
  dev: string;
  port: number;
  healthPath: string;
  env: Record<string, string>;
  dependencyFiles: string[];
  reloadsItself: boolean;
  /**
   * Whether what the install produces lives in the workspace (node_modules) and so outlives the container;
   * pip's and Go's caches live in the scratch home and must be installed again in every new container.
   */
  installPersists: boolean;
}

const EnvNameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'is not a variable name');
const CommandSchema = z.union([
  z.string().min(1),
  z.array(z.string()).min(1),
  z.record(z.string(), z.union([z.string().min(1), z.array(z.string()).min(1)])),
]);

/** The part of the Dev Container spec that Vaporform honours; everything else is ignored. */
const DevcontainerSchema = z.object({
  image: z.string().min(1).optional(),
  build: z
    .object({
      dockerfile: z.string().min(1),
      context: z.string().min(1).optional(),
      args: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
  postCreateCommand: CommandSchema.optional(),
  forwardPorts: z.array(z.union([z.number().int().min(1).max(65535), z.string()])).optional(),
  containerEnv: z.record(EnvNameSchema, z.string()).optional(),
  customizations: z
    .object({
      vaporform: z
        .object({ dev: z.string().min(1).optional(), healthPath: z.string().startsWith('/').optional() })
        .optional(),
    })
    .optional(),
});

const devcontainerFiles = ['.devcontainer/devcontainer.json', '.devcontainer.json'];

/** A change to one of these may change the image or the commands: the runtime is prepared again. */
export function isEnvironmentFile(relativePath: string): boolean {
  return (
    devcontainerFiles.includes(relativePath) ||
    relativePath === 'Dockerfile' ||
    relativePath.startsWith('.devcontainer/')
  );
}

/**
 * The template's way of running a project, unless the workspace brings its own environment: a Dev
 * Container definition (`image` or `build.dockerfile`, `postCreateCommand`, `forwardPorts`,
 * `containerEnv`) or a `Dockerfile` at the top. Overrides change the image and commands, never the
 * hardening: the same create request runs them.
 */
export async function resolveRuntimeProfile(
  workspaceDir: string,
  template: TemplateManifest,
): Promise<RuntimeProfile> {
  const base: RuntimeProfile = {
    environment: 'template',
    stack: template.stack,
    image: { kind: 'stack', stack: template.stack },
    install: template.install,
    dev: template.dev,
    port: template.port,
    healthPath: template.healthPath,
    env: template.env,
    dependencyFiles: template.dependencyFiles,
    reloadsItself: template.reloadsItself,
    installPersists: template.stack === 'node',
  };
  for (const name of devcontainerFiles) {
    const text = await readWorkspaceText(workspaceDir, name);
    if (text !== undefined) return fromDevcontainer(workspaceDir, name, text, base);
  }
  if ((await readWorkspaceText(workspaceDir, 'Dockerfile')) !== undefined) {
    return {
      ...base,
      environment: 'dockerfile',
      image: { kind: 'build', contextDir: workspaceDir, dockerfile: 'Dockerfile', args: {} },
      dependencyFiles: [...base.dependencyFiles, 'Dockerfile'],
    };
  }
  return base;
}

async function fromDevcontainer(
  workspaceDir: string,
  file: string,
  text: string,
  base: RuntimeProfile,
): Promise<RuntimeProfile> {
  const errors: ParseError[] = [];
  const raw: unknown = parseJsonc(text, errors, { allowTrailingComma: true });
  if (errors[0]) {
    throw invalid(file, `${printParseErrorCode(errors[0].error)} at offset ${errors[0].offset}`);
  }
  const parsed = DevcontainerSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(file, `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  const definition = parsed.data;
  let image: ImageSource;
  if (definition.build) {
    const definitionDir = path.dirname(path.join(workspaceDir, file));
    const contextDir = await insideWorkspace(
      workspaceDir,
      path.resolve(definitionDir, definition.build.context ?? '.'),
      file,
    );
    const dockerfile = path.relative(contextDir, path.resolve(definitionDir, definition.build.dockerfile));
    if (dockerfile.startsWith('..') || path.isAbsolute(dockerfile)) {
      throw invalid(file, 'build.dockerfile must be inside build.context');
    }
    image = { kind: 'build', contextDir, dockerfile, args: definition.build.args ?? {} };
  } else if (definition.image) {
    image = { kind: 'existing', name: definition.image };
  } else {
    throw invalid(file, 'needs "image" or "build.dockerfile"');
  }
  const firstPort = definition.forwardPorts
    ?.map((port) => (typeof port === 'number' ? port : Number(port.split(':').pop())))
    .find((port) => Number.isInteger(port) && port > 0 && port < 65536);
  const port = firstPort ?? base.port;
  return {
    ...base,
    environment: 'devcontainer',
    image,
    install:
      definition.postCreateCommand === undefined ? base.install : shellCommand(definition.postCreateCommand),
    dev: definition.customizations?.vaporform?.dev ?? base.dev,
    healthPath: definition.customizations?.vaporform?.healthPath ?? base.healthPath,
    port,
    env: { ...base.env, ...definition.containerEnv, PORT: String(port) },
    dependencyFiles: [...base.dependencyFiles, file],
    // A custom image decides where installs land: assume nowhere that lasts.
    installPersists: false,
  };
}

/** The spec's three forms: a shell string, an argv array, or named commands that run side by side. */
function shellCommand(command: z.infer<typeof CommandSchema>): string {
  const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;
  const one = (part: string | string[]) => (typeof part === 'string' ? part : part.map(quote).join(' '));
  if (typeof command === 'string' || Array.isArray(command)) return one(command);
  const parts = Object.values(command).map((part) => `(${one(part)}) &`);
  return `${parts.join(' ')} wait`;
}

async function readWorkspaceText(workspaceDir: string, relative: string): Promise<string | undefined> {
  const file = path.join(workspaceDir, relative);
  const stats = await lstat(file).catch(() => null);
  // A symlink could point anywhere on the host: only regular files count.
  if (!stats?.isFile() || stats.size > 256 * 1024) return undefined;
  return readFile(file, 'utf8');
}

async function insideWorkspace(workspaceDir: string, target: string, file: string): Promise<string> {
  const [root, resolved] = await Promise.all([
    realpath(workspaceDir),
    realpath(target).catch(() => {
      throw invalid(file, `build.context ${path.relative(workspaceDir, target)} does not exist`);
    }),
  ]);
  if (resolved !== root && !resolved.startsWith(`${root}${path.sep}`)) {
    throw invalid(file, 'build.context must be inside the workspace');
  }
  return resolved;
}

function invalid(file: string, problem: string): AppError {
  return new AppError('validation_failed', `${file} is invalid: ${problem}`);
}
