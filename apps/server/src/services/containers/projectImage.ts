import { AppError } from '../../platform/errors/AppError.js';
import type { ContainerRuntime } from './containerRuntime.js';
import type { RuntimeProfile } from './runtimeProfile.js';
import { stackImageTag, type StackImages } from './stackImages.js';

/**
 * The image a project's container runs, ready on this machine: the stack's offline-built image, an image
 * a devcontainer.json names (never pulled from a registry), or one built from the project's own Dockerfile.
 */
export async function projectImage(input: {
  projectId: string;
  profile: RuntimeProfile;
  runtime: ContainerRuntime;
  images: StackImages;
  onProgress: (message: string) => void;
}): Promise<{ image: string; imageId: string }> {
  const { projectId, runtime, onProgress } = input;
  const source = input.profile.image;
  switch (source.kind) {
    case 'stack': {
      const imageId = await input.images.ensure(source.stack, (line) =>
        onProgress(`Building the ${source.stack} image (first start on this machine): ${line}`),
      );
      return { image: stackImageTag(source.stack), imageId };
    }
    case 'existing': {
      const imageId = await runtime.imageId(source.name);
      if (imageId === null) {
        throw new AppError(
          'not_found',
          `The image ${source.name} named in devcontainer.json is not on this server, and images are not pulled from registries`,
        );
      }
      return { image: source.name, imageId };
    }
    case 'build': {
      const image = `vaporform-project/${projectId}:latest`;
      const imageId = await runtime.buildImage({
        contextDir: source.contextDir,
        dockerfile: source.dockerfile,
        tag: image,
        args: source.args,
        onProgress: (line) => onProgress(`Building the project image: ${line}`),
      });
      return { image, imageId };
    }
  }
}
