import type Docker from 'dockerode';
import {
  caBundleVariables,
  containerPaths,
  containerUser,
  projectLabel,
  projectResourceName,
  type ContainerSpec,
} from './containerRuntime.js';
import { scratchSizes } from './resourcePlan.js';

/** `uid:gid` of the container user, for create and every exec. */
export const containerUserSpec = `${containerUser.uid}:${containerUser.gid}`;

const cpuPeriodMicros = 10_000;

export function envList(env: Record<string, string>): string[] {
  return Object.entries(env).map(([name, value]) => `${name}=${value}`);
}

/** The whole create request; every hardening item of README.md is one line here. */
export function hardenedCreateOptions(
  spec: ContainerSpec,
  logs: { maxSize: string; maxFiles: number },
): Docker.ContainerCreateOptions {
  const name = projectResourceName(spec.projectId);
  const port = `${spec.appPort}/tcp`;
  const { tmpBytes, homeBytes } = scratchSizes(spec.resources);
  const scratch = (size: number, mode: string) =>
    // `exec` must be explicit: Docker's tmpfs defaults include noexec, and tools run from $HOME and $TMPDIR
    // (`go run` builds into it, npm keeps binaries there).
    `rw,exec,nosuid,nodev,size=${size},uid=${containerUser.uid},gid=${containerUser.gid},mode=${mode}`;
  const env: Record<string, string> = { ...spec.env, HOME: containerPaths.home };
  const mounts: Docker.MountSettings[] = [
    { Type: 'bind', Source: spec.workspaceDir, Target: containerPaths.workspace, ReadOnly: false },
  ];
  if (spec.extraCaCertsFile !== undefined) {
    mounts.push({
      Type: 'bind',
      Source: spec.extraCaCertsFile,
      Target: containerPaths.caBundle,
      ReadOnly: true,
    });
    for (const variable of caBundleVariables) env[variable] = containerPaths.caBundle;
  }
  const hostConfig: Docker.HostConfig & { CgroupnsMode: 'private' } = {
    Init: true,
    Privileged: false,
    CapDrop: ['ALL'],
    CapAdd: [],
    // Docker's default seccomp profile stays on: listing no `seccomp=` option keeps it.
    SecurityOpt: ['no-new-privileges:true'],
    ReadonlyRootfs: true,
    Tmpfs: {
      [containerPaths.tmp]: scratch(tmpBytes, '1777'),
      [containerPaths.home]: scratch(homeBytes, '0755'),
    },
    Mounts: mounts,
    Memory: spec.resources.memoryBytes,
    MemorySwap: spec.resources.memoryBytes,
    // The same share as NanoCpus, in 10 ms periods instead of 100 ms: a throttled container (npm install
    // using its half core) then makes its shell wait at most ~10 ms for the next period, not ~50 ms, which
    // is what a keystroke echo feels (bench/terminal.bench.ts).
    CpuPeriod: cpuPeriodMicros,
    CpuQuota: Math.max(1000, Math.round(spec.resources.cpus * cpuPeriodMicros)),
    PidsLimit: spec.resources.pidsLimit,
    Ulimits: [{ Name: 'core', Soft: 0, Hard: 0 }],
    LogConfig: {
      Type: 'json-file',
      Config: { 'max-size': logs.maxSize, 'max-file': String(logs.maxFiles) },
    },
    NetworkMode: name,
    PortBindings: { [port]: [{ HostIp: '127.0.0.1', HostPort: '' }] },
    PublishAllPorts: false,
    IpcMode: 'private',
    CgroupnsMode: 'private',
    RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
    AutoRemove: false,
    ...(spec.runtime === 'runsc' ? { Runtime: 'runsc' } : {}),
  };
  return {
    name,
    Image: spec.image,
    User: containerUserSpec,
    WorkingDir: containerPaths.workspace,
    Env: envList(env),
    Labels: { ...spec.labels, [projectLabel]: spec.projectId },
    ...(spec.command ? { Cmd: spec.command } : {}),
    ...(spec.entrypoint ? { Entrypoint: spec.entrypoint } : {}),
    ExposedPorts: { [port]: {} },
    Tty: false,
    OpenStdin: false,
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    HostConfig: hostConfig,
    NetworkingConfig: { EndpointsConfig: { [name]: { Aliases: ['app'] } } },
  };
}
