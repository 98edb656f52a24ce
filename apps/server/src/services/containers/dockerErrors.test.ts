import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors/AppError.js';
import { dockerFailure } from './dockerErrors.js';
import { toContainerStats } from './dockerStats.js';
import { validateSpec } from './validateSpec.js';
import type Docker from 'dockerode';

function httpError(statusCode: number, detail: string): Error {
  return Object.assign(new Error(`(HTTP code ${statusCode}) ${detail}`), { statusCode });
}

describe('dockerFailure', () => {
  it('maps Docker statuses and socket failures to the error model, keeping Docker’s text in cause only', () => {
    const cases: [unknown, string][] = [
      [httpError(404, 'no such container: 3f2a…'), 'not_found'],
      [httpError(409, 'container 3f2a… is not running'), 'conflict'],
      [httpError(403, 'network has active endpoints'), 'conflict'],
      [httpError(400, 'invalid mount config'), 'bad_request'],
      [httpError(500, 'driver failed'), 'internal'],
      [Object.assign(new Error('connect ENOENT /var/run/docker.sock'), { code: 'ENOENT' }), 'unavailable'],
      [Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'unavailable'],
      [Object.assign(new Error('connect EACCES /var/run/docker.sock'), { code: 'EACCES' }), 'unavailable'],
      [new Error('socket hang up'), 'unavailable'],
    ];
    for (const [raw, code] of cases) {
      const mapped = dockerFailure(raw);
      expect(mapped, String(raw)).toBeInstanceOf(AppError);
      expect(mapped.code, String(raw)).toBe(code);
      expect(mapped.cause).toBe(raw);
      expect(mapped.message).not.toMatch(/3f2a|docker\.sock|HTTP code/);
    }
    expect(dockerFailure(httpError(404, 'x'), { notFound: 'Image node:20' }).message).toBe(
      'Image node:20 not found',
    );
    const already = AppError.notFound('Thing');
    expect(dockerFailure(already)).toBe(already);
  });
});

describe('validateSpec', () => {
  const valid = {
    projectId: '6f1c2b9e-0000-4000-8000-000000000001',
    image: 'vaporform/runtime-node:latest',
    workspaceDir: '/data/workspaces/p',
    appPort: 3000,
    resources: { memoryBytes: 512 * 1024 * 1024, cpus: 0.5, pidsLimit: 256 },
  };

  it('accepts a plain spec and lists every problem of a bad one', () => {
    expect(() => validateSpec(valid)).not.toThrow();
    try {
      validateSpec({
        ...valid,
        projectId: '../etc',
        workspaceDir: 'relative',
        env: { 'BAD-NAME': 'x', OK: 'nul\0' },
        command: [],
        resources: { memoryBytes: 1024, cpus: 0, pidsLimit: 1 },
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'validation_failed' });
      expect((error as AppError).issues?.map((issue) => issue.path)).toEqual([
        'projectId',
        'workspaceDir',
        'resources.memoryBytes',
        'resources.cpus',
        'resources.pidsLimit',
        'env.BAD-NAME',
        'env.OK',
        'command',
      ]);
    }
  });
});

describe('toContainerStats', () => {
  it('computes CPU percent, memory without inactive page cache and network totals', () => {
    const raw = {
      read: '2026-11-28T10:00:01Z',
      cpu_stats: {
        cpu_usage: { total_usage: 3_000_000_000 },
        system_cpu_usage: 20_000_000_000,
        online_cpus: 2,
      },
      precpu_stats: { cpu_usage: { total_usage: 2_000_000_000 }, system_cpu_usage: 18_000_000_000 },
      memory_stats: { usage: 100, limit: 1000, stats: { total_inactive_file: 30 } },
      networks: { eth0: { rx_bytes: 10, tx_bytes: 20 }, eth1: { rx_bytes: 1, tx_bytes: 2 } },
      pids_stats: { current: 5 },
    } as unknown as Docker.ContainerStats;
    expect(toContainerStats(raw)).toEqual({
      at: '2026-11-28T10:00:01Z',
      cpuPercent: 100,
      memoryBytes: 70,
      memoryLimitBytes: 1000,
      networkRxBytes: 11,
      networkTxBytes: 22,
      pids: 5,
    });
  });

  it('reads a stopped container’s empty sample as zeros', () => {
    const raw = { read: '0001-01-01T00:00:00Z', cpu_stats: {}, precpu_stats: {}, memory_stats: {} };
    expect(toContainerStats(raw as unknown as Docker.ContainerStats)).toMatchObject({
      cpuPercent: 0,
      memoryBytes: 0,
      networkRxBytes: 0,
      pids: 0,
    });
  });
});
