import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

/** Where `name` is on `searchPath` (a PATH value) as an executable file, or null. */
export function findExecutable(name: string, searchPath: string): string | null {
  for (const directory of searchPath.split(path.delimiter)) {
    // An empty entry means the current directory: never pick a sandbox binary from there.
    if (!path.isAbsolute(directory)) continue;
    const candidate = path.join(directory, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

export interface SandboxPaths {
  /** The project's workspace and home: the only host paths it may write. */
  workspace: string;
  home: string;
  cwd: string;
}

/**
 * `command` inside bubblewrap: the host's file system read-only except the workspace and the project's home,
 * a private /tmp, no view of other processes, the host's network (the app must be reachable on loopback).
 * Defense in depth for the local driver, not the isolation a container gives.
 */
export function bubblewrapCommand(bwrap: string, paths: SandboxPaths, command: string[]): string[] {
  return [
    bwrap,
    '--die-with-parent',
    '--unshare-all',
    '--share-net',
    '--ro-bind',
    '/',
    '/',
    '--dev',
    '/dev',
    '--proc',
    '/proc',
    '--tmpfs',
    '/tmp',
    // After the /tmp tmpfs: the home and the workspace may well live below /tmp.
    '--bind',
    paths.workspace,
    paths.workspace,
    '--bind',
    paths.home,
    paths.home,
    '--chdir',
    paths.cwd,
    '--',
    ...command,
  ];
}
