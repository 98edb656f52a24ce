import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../platform/http/policy.js';
import { socketPair } from '../../testing/socketPair.js';
import type { TtySession } from '../containers/index.js';
import { TerminalService } from './terminalService.js';

/** A pseudo-terminal that echoes what it is sent: the unit-test edge in place of a container. */
function echoTty(): TtySession & { disposed: boolean } {
  const stream = new PassThrough();
  let exit: (code: number | null) => void = () => undefined;
  const tty = {
    stream,
    disposed: false,
    exited: new Promise<number | null>((resolve) => (exit = resolve)),
    resize: async () => undefined,
    dispose: async () => {
      tty.disposed = true;
      exit(null);
    },
  };
  return tty;
}

const principal = { userId: 'u1', email: 'a@example.com', name: 'A', role: 'user' } as unknown as Principal;

describe('TerminalService', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('ends a terminal nobody typed in or read from for the idle time', async () => {
    const tty = echoTty();
    const service = new TerminalService({
      openTty: async () => tty,
      permissionOf: async () => 'execute',
      credentialActive: async () => true,
      idleMs: 300,
      sweepMs: 50,
    });
    cleanups.push(() => service.dispose());
    const { server, client } = await socketPair(cleanups);
    const closed = once(client, 'close');
    await service.connect(server, { projectId: 'p', principal, terminalId: 't', cols: 80, rows: 24 });
    const [code] = (await closed) as [number];
    expect(code).toBe(4408);
    expect(tty.disposed).toBe(true);
    expect(service.list('p', 'u1')).toEqual([]);
  });

  it('caps the terminals one user holds in a project', async () => {
    const service = new TerminalService({
      openTty: async () => echoTty(),
      permissionOf: async () => 'execute',
      credentialActive: async () => true,
      maxPerUser: 2,
    });
    cleanups.push(() => service.dispose());
    for (const terminalId of ['a', 'b']) {
      const { server } = await socketPair(cleanups);
      await service.connect(server, { projectId: 'p', principal, terminalId, cols: 80, rows: 24 });
    }
    const { server } = await socketPair(cleanups);
    await expect(
      service.connect(server, { projectId: 'p', principal, terminalId: 'c', cols: 80, rows: 24 }),
    ).rejects.toThrow(/At most 2 terminals/);
    expect(service.list('p', 'u1').map((terminal) => terminal.id)).toEqual(['a', 'b']);
  });
});
