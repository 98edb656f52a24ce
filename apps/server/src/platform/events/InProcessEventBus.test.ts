import { describe, expect, it } from 'vitest';
import { InProcessEventBus } from './InProcessEventBus.js';

const projectId = '11111111-1111-4111-8111-111111111111';

describe('InProcessEventBus', () => {
  it('delivers to every subscriber of the event and no other', async () => {
    const bus = new InProcessEventBus();
    const seen: string[] = [];
    bus.subscribe('file.changed', (event) => void seen.push(`a:${event.path}`));
    bus.subscribe('file.changed', (event) => void seen.push(`b:${event.path}`));
    bus.subscribe('project.deleted', () => void seen.push('wrong'));
    await bus.publish('file.changed', { projectId, path: 'src/app.ts', kind: 'modified' });
    expect(seen.sort()).toEqual(['a:src/app.ts', 'b:src/app.ts']);
  });

  it('stops delivering after dispose', async () => {
    const bus = new InProcessEventBus();
    let count = 0;
    const subscription = bus.subscribe('project.deleted', () => void count++);
    await bus.publish('project.deleted', { projectId });
    void subscription.dispose();
    await bus.publish('project.deleted', { projectId });
    expect(count).toBe(1);
  });

  it('keeps delivering when one handler fails, and reports the failure', async () => {
    const failures: string[] = [];
    const bus = new InProcessEventBus((_error, name) => failures.push(name));
    let delivered = false;
    bus.subscribe('project.deleted', () => {
      throw new Error('boom');
    });
    bus.subscribe('project.deleted', () => {
      delivered = true;
    });
    await expect(bus.publish('project.deleted', { projectId })).resolves.toBeUndefined();
    expect(delivered).toBe(true);
    expect(failures).toEqual(['project.deleted']);
  });
});
