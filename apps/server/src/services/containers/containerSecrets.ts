import type { ContainerInfo } from '@vaporform/contracts';
import type { Logger } from 'pino';
import type { EventBus } from '../../platform/events/EventBus.js';
import {
  caBundleVariables,
  execMarkerVariable,
  type ExecResult,
  type LogLine,
  type LogStream,
} from './containerRuntime.js';

export type TextMask = (text: string) => string;

/** The secrets service as the containers need it (structurally; `SecretsService` fits). */
export interface SecretSource {
  /** The project's secrets for `environment` (and those for every environment), decrypted. */
  projectEnvironment(projectId: string, environment?: string): Promise<Record<string, string>>;
  /** Replaces the project's secret values in a text with `[secret:NAME]`. */
  masker(projectId: string): Promise<TextMask>;
}

/** The project container is where the project is developed: it gets unscoped and `development` secrets. */
export const containerEnvironment = 'development';

/**
 * Variables the platform sets or every process relies on: a secret of that name is never injected, even
 * where the spec does not set it (an app must not find its PORT or HOME replaced by a secret).
 */
const reserved = new Set<string>([
  'PORT',
  'HOST',
  'HOSTNAME',
  'HOME',
  'PATH',
  'USER',
  'SHELL',
  'PWD',
  'TERM',
  ...caBundleVariables,
  execMarkerVariable,
]);

export function isReservedVariable(name: string): boolean {
  return reserved.has(name) || name.startsWith('VAPORFORM_');
}

/**
 * Project secrets in and out of a project's runtime. In: the secrets become the container's environment
 * when it is created, under everything the platform sets (a secret never replaces PORT, HOST or a variable
 * the template or devcontainer.json sets). Out: what leaves through the service (log lines, exec output,
 * the last lines in the status) has their values masked. A secret that changes while the container runs is
 * not in it until the next start: the status says `restartRequired` until then.
 */
export class ContainerSecrets {
  /** Projects whose running container has older secret values than the store. */
  readonly #stale = new Set<string>();

  constructor(
    private readonly source: SecretSource | undefined,
    private readonly deps: { events: EventBus; logger: Logger },
  ) {}

  /** The environment of a container about to be created: read now, so the container is current again. */
  async environment(projectId: string, platform: Record<string, string>): Promise<Record<string, string>> {
    // Cleared before reading: a change that lands while we read marks it again.
    this.#stale.delete(projectId);
    if (!this.source) return platform;
    const secrets = await this.source.projectEnvironment(projectId, containerEnvironment);
    const injected: Record<string, string> = {};
    const shadowed: string[] = [];
    for (const [name, value] of Object.entries(secrets)) {
      if (isReservedVariable(name) || name in platform) shadowed.push(name);
      else injected[name] = value;
    }
    if (shadowed.length > 0) {
      this.deps.logger.warn(
        { projectId, names: shadowed },
        'project secrets not injected: the platform sets these variables itself',
      );
    }
    return { ...injected, ...platform };
  }

  /** A secret of the project changed: a container that is up now needs a restart to see it. */
  async changed(info: ContainerInfo | null): Promise<void> {
    if (!info || info.status === 'stopped') return;
    this.#stale.add(info.projectId);
    const { projectId, status, message } = info;
    await this.deps.events.publish('container.status', { projectId, status, message, restartRequired: true });
  }

  forget(projectId: string): void {
    this.#stale.delete(projectId);
  }

  /** The status as clients may see it: the restart flag added, secret values out of the last log lines. */
  async describe(info: ContainerInfo): Promise<ContainerInfo> {
    const restartRequired = info.status !== 'stopped' && this.#stale.has(info.projectId);
    if (info.lastLogLines.length === 0) return { ...info, restartRequired };
    const mask = await this.#mask(info.projectId);
    return { ...info, restartRequired, lastLogLines: info.lastLogLines.map(mask) };
  }

  async maskExec(projectId: string, result: ExecResult): Promise<ExecResult> {
    const mask = await this.#mask(projectId);
    return { ...result, stdout: mask(result.stdout), stderr: mask(result.stderr) };
  }

  /** Each line masked as it passes, with the project's current secrets (they may change while following). */
  maskLogs(projectId: string, stream: LogStream): LogStream {
    if (!this.source) return stream;
    const mask = () => this.#mask(projectId);
    return {
      dispose: () => stream.dispose(),
      async *[Symbol.asyncIterator](): AsyncIterator<LogLine> {
        for await (const line of stream) yield { ...line, text: (await mask())(line.text) };
      },
    };
  }

  async #mask(projectId: string): Promise<TextMask> {
    return this.source ? this.source.masker(projectId) : (text: string) => text;
  }
}
