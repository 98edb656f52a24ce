import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { RuntimeProfile } from './runtimeProfile.js';

export function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * What the install depends on: its command, the image, the dependency files' contents and, when the install
 * lands in the container's scratch home rather than the workspace, the container's life.
 */
export async function installKey(
  workspaceDir: string,
  profile: RuntimeProfile,
  imageId: string,
  container: { id: string; startedAt: string | null },
): Promise<string> {
  const parts = [profile.install ?? '', imageId];
  for (const file of profile.dependencyFiles) {
    const content = await readFile(path.join(workspaceDir, file)).catch(() => null);
    parts.push(`${file}:${content === null ? 'missing' : hash(content.toString('latin1'))}`);
  }
  if (!profile.installPersists) parts.push(container.id, container.startedAt ?? '');
  return hash(parts.join('\n'));
}
