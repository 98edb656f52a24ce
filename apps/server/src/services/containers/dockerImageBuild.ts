import path from 'node:path';
import type Docker from 'dockerode';
import tarFs from 'tar-fs';
import { AppError } from '../../platform/errors/AppError.js';
import type { ImageBuildRequest } from './containerRuntime.js';
import { dockerCall } from './dockerErrors.js';

/** What a build may use: enough for a compiler, not enough to starve the server. */
const buildMemoryBytes = 2 * 1024 * 1024 * 1024;
const leftOut = new Set(['node_modules', '.git']);

interface BuildMessage {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/**
 * `docker build` of a project's own Dockerfile. The build runs as Docker runs builds (root inside the
 * build container, default network, so that package managers work), capped in memory; the image it makes
 * then runs with the same hardening as every project container.
 */
export async function buildDockerImage(docker: Docker, request: ImageBuildRequest): Promise<string> {
  const context = tarFs.pack(request.contextDir, {
    ignore: (name) => leftOut.has(path.relative(request.contextDir, name).split(path.sep)[0] ?? ''),
  });
  const progress = await dockerCall(() =>
    docker.buildImage(context, {
      t: request.tag,
      dockerfile: request.dockerfile,
      buildargs: request.args ?? {},
      rm: true,
      forcerm: true,
      memory: buildMemoryBytes,
      memswap: buildMemoryBytes,
      // One core at most: a build must not starve the server and the other projects.
      cpuperiod: 100_000,
      cpuquota: 100_000,
    }),
  );
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      progress,
      (error: Error | null, messages: BuildMessage[]) => {
        const failed = messages.find((message) => message.error !== undefined);
        if (error || failed) {
          const reason = failed?.errorDetail?.message ?? failed?.error ?? error?.message ?? 'unknown error';
          reject(new AppError('validation_failed', `The image build failed: ${reason.trim()}`));
        } else resolve();
      },
      (message: BuildMessage) => {
        const text = message.stream ?? message.status;
        if (text === undefined) return;
        for (const line of text.split('\n')) if (line.trim() !== '') request.onProgress?.(line);
      },
    );
  });
  const image = await dockerCall(() => docker.getImage(request.tag).inspect(), {
    notFound: `Image ${request.tag}`,
  });
  return image.Id;
}
