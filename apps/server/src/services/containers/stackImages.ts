import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Stack } from '@vaporform/contracts';
import { AppError } from '../../platform/errors/AppError.js';
import type { ContainerRuntime } from './containerRuntime.js';

/** The tags `scripts/images.mjs` builds. */
export function stackImageTag(stack: Stack): string {
  return `vaporform/runtime-${stack}:latest`;
}

export interface StackImagesOptions {
  runtime: ContainerRuntime;
  /** `scripts/images.mjs`; null where the server ships without it (then a missing image is an error). */
  buildScript: string | null;
  /** Default `stackImageTag`; tests use tags of their own. */
  tagFor?: (stack: Stack) => string;
}

/**
 * Makes sure a stack's runtime image exists, building it with the same script as `npm run images` the
 * first time a project needs it: a newcomer never has to run a separate command. One build per stack at a
 * time; every project waiting on it sees the same progress lines.
 */
export class StackImages {
  readonly #builds = new Map<Stack, { done: Promise<void>; listeners: Set<(line: string) => void> }>();

  constructor(private readonly options: StackImagesOptions) {}

  async ensure(stack: Stack, onProgress: (line: string) => void): Promise<string> {
    const tag = this.#tag(stack);
    const existing = await this.options.runtime.imageId(tag);
    if (existing !== null) return existing;
    let build = this.#builds.get(stack);
    if (!build) {
      const listeners = new Set<(line: string) => void>();
      const done = this.#build(stack, (line) => listeners.forEach((listener) => listener(line)));
      build = { done, listeners };
      this.#builds.set(stack, build);
      void done.finally(() => this.#builds.delete(stack)).catch(() => undefined);
    }
    build.listeners.add(onProgress);
    try {
      await build.done;
    } finally {
      build.listeners.delete(onProgress);
    }
    const built = await this.options.runtime.imageId(tag);
    if (built === null) throw new AppError('unavailable', `Building the ${stack} image did not make ${tag}`);
    return built;
  }

  #tag(stack: Stack): string {
    return (this.options.tagFor ?? stackImageTag)(stack);
  }

  #build(stack: Stack, onLine: (line: string) => void): Promise<void> {
    const script = this.options.buildScript;
    if (script === null) {
      return Promise.reject(
        new AppError('unavailable', `The ${this.#tag(stack)} image is missing: run npm run images`),
      );
    }
    return new Promise((resolve, reject) => {
      // The script only needs PATH and the Docker client's settings, not the server's secrets.
      const child = spawn(process.execPath, [script, stack], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: pickEnv(['PATH', 'DOCKER', 'DOCKER_HOST', 'HOME', 'VAPORFORM_DEBIAN_MIRROR']),
      });
      const tail: string[] = [];
      for (const output of [child.stdout, child.stderr]) {
        createInterface({ input: output }).on('line', (line) => {
          tail.push(line);
          if (tail.length > 20) tail.shift();
          // The last line is the script's JSON summary: not for people.
          if (!line.startsWith('{')) onLine(line);
        });
      }
      child.once('error', (error) => reject(new AppError('unavailable', error.message, { cause: error })));
      child.once('close', (code) => {
        if (code === 0) resolve();
        else
          reject(
            new AppError(
              'unavailable',
              `Building the ${stack} image failed (exit ${code}): ${tail.slice(-3).join(' ')}`,
            ),
          );
      });
    });
  }
}

function pickEnv(names: string[]): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of names) if (process.env[name] !== undefined) env[name] = process.env[name];
  return env;
}
