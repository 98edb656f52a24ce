import type Docker from 'dockerode';
import {
  caBundleVariables,
  containerPaths,
  containerUser,
  projectLabel,
  projectResourceName,
  type ContainerSpec,
} from '../containerRuntime.js';
import { scratchSizes } from '../resourcePlan.js';

type HostConfig = Docker.HostConfig & {
  CgroupnsMode?: string;
  Devices?: unknown[];
  PidMode?: string;
  UTSMode?: string;
  UsernsMode?: string;
};

/** `rw,exec,size=…` → a map of option → value ('' for flags). */
function tmpfsOptions(value: string | undefined): Map<string, string> {
  const options = new Map<string, string>();
  for (const part of (value ?? '').split(',')) {
    if (part === '') continue;
    const [key = '', ...rest] = part.split('=');
    options.set(key, rest.join('='));
  }
  return options;
}

/**
 * The spec gate: every hardening item of the Containers issue, checked against `docker inspect` of a
 * container created from `spec`. Returns the violations (empty when the container is hardened); each names
 * what is missing. `imageEnv` is the image's own `Config.Env`, which Docker merges in.
 */
export function hardeningViolations(
  info: Docker.ContainerInspectInfo,
  spec: ContainerSpec,
  imageEnv: string[],
): string[] {
  const violations: string[] = [];
  const check = (ok: boolean, message: string) => void (ok || violations.push(message));
  const host = info.HostConfig as HostConfig;
  const name = projectResourceName(spec.projectId);

  check(
    info.Config.User === `${containerUser.uid}:${containerUser.gid}`,
    `user is "${info.Config.User}", not 1000:1000`,
  );
  check(JSON.stringify(host.CapDrop) === '["ALL"]', `CapDrop is ${JSON.stringify(host.CapDrop)}, not [ALL]`);
  check(
    !host.CapAdd || (host.CapAdd as unknown[]).length === 0,
    `CapAdd adds ${JSON.stringify(host.CapAdd)}`,
  );
  check(host.Privileged === false, 'privileged');
  const securityOpt = (host.SecurityOpt ?? []) as string[];
  check(
    securityOpt.some((option) => /^no-new-privileges(:true|=true)?$/.test(option)),
    'no-new-privileges missing',
  );
  check(
    !securityOpt.some((option) => /^(seccomp|apparmor)[:=]unconfined$|^label[:=]disable$/.test(option)),
    `a default confinement is off: ${JSON.stringify(securityOpt)}`,
  );
  check(host.ReadonlyRootfs === true, 'root filesystem is writable');

  const sizes = scratchSizes(spec.resources);
  for (const [mountPoint, size] of [
    [containerPaths.tmp, sizes.tmpBytes],
    [containerPaths.home, sizes.homeBytes],
  ] as const) {
    const options = tmpfsOptions(host.Tmpfs?.[mountPoint]);
    check(host.Tmpfs?.[mountPoint] !== undefined, `no tmpfs at ${mountPoint}`);
    check(
      options.get('size') === String(size),
      `tmpfs ${mountPoint} size is ${options.get('size')}, not ${size}`,
    );
    check(
      options.get('uid') === '1000' && options.get('gid') === '1000',
      `tmpfs ${mountPoint} not owned by 1000:1000`,
    );
    check(options.has('nosuid') && options.has('nodev'), `tmpfs ${mountPoint} lacks nosuid,nodev`);
    check(!options.has('noexec') && options.has('exec'), `tmpfs ${mountPoint} is not explicitly exec`);
  }

  check(host.Memory === spec.resources.memoryBytes, `Memory is ${host.Memory}`);
  check(host.MemorySwap === host.Memory, `MemorySwap ${host.MemorySwap} differs from Memory ${host.Memory}`);
  const quotaCpus = host.CpuQuota && host.CpuPeriod ? host.CpuQuota / host.CpuPeriod : 0;
  const nanoCpus = (host.NanoCpus ?? 0) / 1e9;
  check(
    Math.abs((nanoCpus || quotaCpus) - spec.resources.cpus) < 0.001,
    `CPU limit is ${nanoCpus || quotaCpus}, not ${spec.resources.cpus}`,
  );
  check(host.PidsLimit === spec.resources.pidsLimit, `PidsLimit is ${host.PidsLimit}`);
  const logConfig = host.LogConfig as { Type?: string; Config?: Record<string, string> } | undefined;
  check(logConfig?.Type === 'json-file', `log driver is ${logConfig?.Type}`);
  check(
    Boolean(logConfig?.Config?.['max-size']) && Boolean(logConfig?.Config?.['max-file']),
    'log size not limited',
  );
  check(host.Init === true, 'no init process');

  check(host.NetworkMode === name, `network mode is ${host.NetworkMode}, not ${name}`);
  const networks = Object.keys(info.NetworkSettings.Networks ?? {});
  check(
    JSON.stringify(networks) === JSON.stringify([name]),
    `attached to networks ${JSON.stringify(networks)}`,
  );
  for (const [field, value] of [
    ['PidMode', host.PidMode],
    ['IpcMode', host.IpcMode],
    ['UTSMode', host.UTSMode],
    ['UsernsMode', host.UsernsMode],
  ] as const) {
    check(value !== 'host', `${field} is host`);
  }
  check(host.IpcMode === 'private', `IpcMode is ${host.IpcMode}, not private`);
  check(host.CgroupnsMode === 'private', `CgroupnsMode is ${host.CgroupnsMode}, not private`);
  const ulimits = (host.Ulimits ?? []) as { Name: string; Soft: number; Hard: number }[];
  check(
    ulimits.some((limit) => limit.Name === 'core' && limit.Soft === 0 && limit.Hard === 0),
    'core dumps allowed',
  );
  const devices = host.Devices as unknown[] | undefined;
  check(!devices || devices.length === 0, 'host devices mapped');

  const mounts = info.Mounts as { Type: string; Source: string; Destination: string; RW: boolean }[];
  check(
    !mounts.some((mount) => /docker\.sock|containerd\.sock/.test(`${mount.Source} ${mount.Destination}`)),
    'a container engine socket is mounted',
  );
  const expectedMounts = new Map<string, { source: string; rw: boolean }>([
    [containerPaths.workspace, { source: spec.workspaceDir, rw: true }],
  ]);
  if (spec.extraCaCertsFile !== undefined) {
    expectedMounts.set(containerPaths.caBundle, { source: spec.extraCaCertsFile, rw: false });
  }
  for (const mount of mounts) {
    const expected = expectedMounts.get(mount.Destination);
    check(expected !== undefined, `unexpected mount ${mount.Type} at ${mount.Destination}`);
    if (expected) {
      check(
        mount.Type === 'bind' && mount.Source === expected.source,
        `mount at ${mount.Destination} is ${mount.Source}`,
      );
      check(
        mount.RW === expected.rw,
        `mount at ${mount.Destination} is ${mount.RW ? 'read-write' : 'read-only'}`,
      );
    }
  }
  for (const destination of expectedMounts.keys()) {
    check(
      mounts.some((mount) => mount.Destination === destination),
      `nothing mounted at ${destination}`,
    );
  }

  const bindings = (host.PortBindings ?? {}) as Record<string, { HostIp?: string }[] | null>;
  check(Object.keys(bindings).length > 0, 'the app port is not published');
  for (const [port, list] of Object.entries(bindings)) {
    for (const binding of list ?? []) {
      check(binding.HostIp === '127.0.0.1', `port ${port} published on "${binding.HostIp}", not 127.0.0.1`);
    }
  }
  check(host.PublishAllPorts !== true, 'all exposed ports are published');

  const labels = info.Config.Labels ?? {};
  check(labels[projectLabel] === spec.projectId, 'project label missing');
  for (const [key, value] of Object.entries(spec.labels ?? {})) {
    if (key !== projectLabel) check(labels[key] === value, `label ${key} missing`);
  }

  const allowed = new Set([...imageEnv, `HOME=${containerPaths.home}`]);
  for (const [key, value] of Object.entries(spec.env ?? {})) allowed.add(`${key}=${value}`);
  if (spec.extraCaCertsFile !== undefined) {
    for (const variable of caBundleVariables) allowed.add(`${variable}=${containerPaths.caBundle}`);
  }
  for (const entry of info.Config.Env ?? [])
    check(allowed.has(entry), `unexpected environment variable ${entry.split('=')[0]}`);
  check(
    (host.Runtime ?? 'runc') === (spec.runtime ?? 'runc'),
    `runtime is ${host.Runtime}, not ${spec.runtime ?? 'runc'}`,
  );
  return violations;
}
