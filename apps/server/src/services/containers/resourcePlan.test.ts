import { describe, expect, it } from 'vitest';
import { traefikLabels } from './containerRuntime.js';
import { defaultResourcePlans, resourcesFor, scratchSizes } from './resourcePlan.js';

const mib = 1024 * 1024;

describe('resource plans', () => {
  it('sizes stacks as the seed’s ResourceManager does', () => {
    expect(resourcesFor('node')).toMatchObject({ memoryBytes: 512 * mib, cpus: 0.5 });
    expect(resourcesFor('python')).toMatchObject({ memoryBytes: 768 * mib, cpus: 0.6 });
    expect(resourcesFor('go')).toMatchObject({ memoryBytes: 256 * mib, cpus: 0.3 });
    expect(resourcesFor('java')).toMatchObject({ memoryBytes: 1024 * mib, cpus: 0.8 });
    for (const plan of Object.values(defaultResourcePlans))
      expect(plan.pidsLimit).toBeGreaterThanOrEqual(256);
  });

  it('applies admin overrides and scales down under load, never below the minimums', () => {
    expect(resourcesFor('node', { overrides: { node: { memoryBytes: 2048 * mib } } })).toMatchObject({
      memoryBytes: 2048 * mib,
      cpus: 0.5,
    });
    expect(resourcesFor('node', { scale: 0.5 })).toMatchObject({
      memoryBytes: 256 * mib,
      cpus: 0.25,
      pidsLimit: 256,
    });
    expect(resourcesFor('go', { scale: 0.01 })).toMatchObject({ memoryBytes: 32 * mib, cpus: 0.05 });
    expect(() => resourcesFor('node', { scale: 0 })).toThrow(RangeError);
    expect(() => resourcesFor('node', { scale: 2 })).toThrow(RangeError);
  });

  it('sizes the tmpfs mounts from the memory limit they are charged to', () => {
    expect(scratchSizes(resourcesFor('node'))).toEqual({ tmpBytes: 128 * mib, homeBytes: 256 * mib });
    expect(scratchSizes(resourcesFor('java'))).toEqual({ tmpBytes: 256 * mib, homeBytes: 512 * mib });
    expect(scratchSizes({ ...resourcesFor('go'), tmpBytes: 10 * mib })).toMatchObject({ tmpBytes: 10 * mib });
  });
});

describe('traefikLabels', () => {
  it('routes <slug>.<preview host> to the app port over the project network', () => {
    expect(
      traefikLabels({
        projectId: 'p1',
        slug: 'my-app',
        previewHost: 'preview.example.com:8443',
        appPort: 3000,
        entrypoint: 'web',
      }),
    ).toEqual({
      'traefik.enable': 'true',
      'traefik.http.routers.vaporform-my-app.rule': 'Host(`my-app.preview.example.com`)',
      'traefik.http.routers.vaporform-my-app.entrypoints': 'web',
      'traefik.http.routers.vaporform-my-app.service': 'vaporform-my-app',
      'traefik.http.services.vaporform-my-app.loadbalancer.server.port': '3000',
      'traefik.docker.network': 'vaporform-p1',
    });
  });
});
