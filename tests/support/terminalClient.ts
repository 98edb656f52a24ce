import { WebSocket } from 'ws';
import { TestSocketClient } from '../../apps/server/src/testing/testSocketClient.js';

/**
 * A project terminal's socket as a browser tab holds it: the output collected, and whether the server has
 * said `ready` (after replaying the scrollback to a reconnecting client).
 */
export class TerminalClient extends TestSocketClient {
  output = '';
  ready = false;

  /** Terminal `name` of the project, on the server listening at `base` (`http://…`), as `token`'s holder. */
  static connect(base: string, projectId: string, name: string, token: string): TerminalClient {
    return new TerminalClient(
      new WebSocket(`${base.replace('http://', 'ws://')}/api/projects/${projectId}/terminals/${name}`, {
        headers: { authorization: `Bearer ${token}`, origin: base },
      }),
    );
  }

  constructor(socket: WebSocket) {
    super(socket);
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) this.output += data.toString('utf8');
      else if ((JSON.parse(data.toString('utf8')) as { type: string }).type === 'ready') this.ready = true;
    });
  }

  async until(done: () => boolean, what: string): Promise<void> {
    for (let waited = 0; !done(); waited += 50) {
      if (waited > 15_000) throw new Error(`no ${what}: ${JSON.stringify(this.output.slice(-400))}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
