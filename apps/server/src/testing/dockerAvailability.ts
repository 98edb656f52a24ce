import Docker from 'dockerode';
import { describe, it } from 'vitest';

export const socketPath = process.env.DOCKER_SOCKET ?? '/var/run/docker.sock';

/**
 * Whether the Docker suites can run. Unreachable Docker fails the run in CI (no suite may skip there) and
 * skips with the reason elsewhere.
 */
export async function dockerUnavailableReason(): Promise<string | null> {
  let reason: string | null = null;
  // A few tries: on a loaded machine (every suite starting at once) one ping can fail without Docker being gone.
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      await new Docker({ socketPath }).ping();
      reason = null;
      break;
    } catch (error) {
      reason = `Docker is not reachable at ${socketPath}: ${(error as Error).message}`;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  if (reason !== null && process.env.CI) {
    throw new Error(`${reason}. CI requires Docker: .ci/run installs docker.io and starts dockerd.`);
  }
  return reason;
}

/**
 * Docker's reason, or the runtime images `npm run images` builds (CI builds them first; building them inside
 * a test would take minutes). Missing images fail the run in CI too.
 */
export async function runtimeImagesUnavailableReason(tags: string[]): Promise<string | null> {
  const unavailable = await dockerUnavailableReason();
  if (unavailable !== null) return unavailable;
  const docker = new Docker({ socketPath });
  const missing: string[] = [];
  for (const tag of tags) {
    const inspect = () =>
      docker
        .getImage(tag)
        .inspect()
        .catch(() => null);
    // Asked twice before calling it missing, for the same reason as the ping.
    if ((await inspect()) === null && (await inspect()) === null) missing.push(tag);
  }
  if (missing.length === 0) return null;
  const reason = `runtime images missing (${missing.join(', ')}): run npm run images`;
  if (process.env.CI) throw new Error(`${reason}; .ci/run builds them`);
  return reason;
}

/** `describe` when Docker answers, else one visibly skipped test that names the reason. */
export function describeWithDocker(reason: string | null, name: string, body: () => void): void {
  // Container starts take ~1 s on a loaded 2-core machine; a test does a handful of them.
  if (reason === null) describe(name, { timeout: 60_000 }, body);
  else describe(name, () => it.skip(`skipped: ${reason}`, () => undefined));
}
