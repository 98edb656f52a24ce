import path from 'node:path';
import { AppError, type AppErrorIssue } from '../../platform/errors/AppError.js';
import type { ContainerSpec } from './containerRuntime.js';
import { minimumCpus, minimumMemoryBytes } from './resourcePlan.js';

/** What Docker accepts as a container or network name (and what a project id must be to build one). */
const dockerName = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;
const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;
const labelName = /^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,254}$/;
const imageName = /^[a-z0-9][a-z0-9_.\-/:@]{0,254}$/i;

/**
 * Container ids and names go into Docker API paths: anything but a plain name (`/`, `?`, `..`) could
 * address another endpoint.
 */
export function checkObjectId(value: string, what = 'container id'): void {
  if (!dockerName.test(value)) throw new AppError('bad_request', `Invalid ${what}`);
}

function noNul(value: string): boolean {
  return !value.includes('\0');
}

export function checkCommand(command: unknown, field = 'command'): AppErrorIssue[] {
  if (!Array.isArray(command) || command.length === 0) return [{ path: field, message: 'must not be empty' }];
  return command.every((arg) => typeof arg === 'string' && noNul(arg))
    ? []
    : [{ path: field, message: 'must be strings without NUL' }];
}

export function checkEnv(env: Record<string, string> | undefined, field = 'env'): AppErrorIssue[] {
  const issues: AppErrorIssue[] = [];
  for (const [name, value] of Object.entries(env ?? {})) {
    if (!envName.test(name)) issues.push({ path: `${field}.${name}`, message: 'invalid variable name' });
    else if (typeof value !== 'string' || !noNul(value)) {
      issues.push({ path: `${field}.${name}`, message: 'must be a string without NUL' });
    }
  }
  return issues;
}

/** Throws `validation_failed` listing every problem, before anything is created. */
export function validateSpec(spec: ContainerSpec): void {
  const issues: AppErrorIssue[] = [];
  const add = (field: string, message: string) => issues.push({ path: field, message });
  if (!dockerName.test(spec.projectId) || spec.projectId.length > 100) add('projectId', 'invalid project id');
  if (!imageName.test(spec.image)) add('image', 'invalid image name');
  if (!path.isAbsolute(spec.workspaceDir) || !noNul(spec.workspaceDir))
    add('workspaceDir', 'must be absolute');
  if (!(Number.isInteger(spec.appPort) && spec.appPort >= 1 && spec.appPort <= 65535)) {
    add('appPort', 'must be a port number');
  }
  const { memoryBytes, cpus, pidsLimit, tmpBytes, homeBytes } = spec.resources;
  if (!(Number.isInteger(memoryBytes) && memoryBytes >= minimumMemoryBytes)) {
    add('resources.memoryBytes', `must be an integer ≥ ${minimumMemoryBytes}`);
  }
  if (!(Number.isFinite(cpus) && cpus >= minimumCpus)) add('resources.cpus', `must be ≥ ${minimumCpus}`);
  if (!(Number.isInteger(pidsLimit) && pidsLimit >= 16))
    add('resources.pidsLimit', 'must be an integer ≥ 16');
  for (const [field, value] of [
    ['resources.tmpBytes', tmpBytes],
    ['resources.homeBytes', homeBytes],
  ] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value >= 1024 * 1024)) {
      add(field, 'must be an integer ≥ 1 MiB');
    }
  }
  issues.push(...checkEnv(spec.env));
  for (const [name, value] of Object.entries(spec.labels ?? {})) {
    if (!labelName.test(name) || typeof value !== 'string' || !noNul(value))
      add(`labels.${name}`, 'invalid label');
  }
  if (spec.command !== undefined) issues.push(...checkCommand(spec.command, 'command'));
  if (spec.entrypoint !== undefined) issues.push(...checkCommand(spec.entrypoint, 'entrypoint'));
  if (spec.extraCaCertsFile !== undefined && !path.isAbsolute(spec.extraCaCertsFile)) {
    add('extraCaCertsFile', 'must be absolute');
  }
  if (spec.runtime !== undefined && spec.runtime !== 'runc' && spec.runtime !== 'runsc') {
    add('runtime', 'must be runc or runsc');
  }
  if (issues.length > 0) {
    throw new AppError('validation_failed', 'Invalid container specification', { issues });
  }
}
