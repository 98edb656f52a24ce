/**
 * A minimal Anthropic Messages API (`POST /v1/messages`, streaming only) whose every `text_delta` carries the
 * moment it was written to the socket: the text of each delta is `t=<performance.now()>;`. A client in the
 * same process (same clock) that reads a delta computes how long the token took to reach it.
 *
 * Each response is one text block of `chunks` deltas, `intervalMs` apart, framed as the real API frames them
 * (`message_start`, `content_block_start`, `content_block_delta`…, `content_block_stop`, `message_delta`,
 * `message_stop`), each frame in one `res.write`. The timestamp is taken right before that write. Anything
 * else (another path, a non-streaming request) gets a 400: the benchmark only streams.
 */
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { closeHttpServer, host, listenLocal } from './common.js';

export interface StampedModelServer {
  /** `http://127.0.0.1:<port>`, for `ANTHROPIC_BASE_URL` or the SDK's `baseURL`. */
  url: string;
  /** Responses streamed to the end so far. */
  readonly completed: number;
  close(): Promise<void>;
}

/** The stamps in a piece of streamed text (one delta, or several run together), in ms of performance.now(). */
export function stampsIn(text: string): number[] {
  return [...text.matchAll(/t=(\d+(?:\.\d+)?);/g)].map((match) => Number(match[1]));
}

export async function startStampedModelServer(options: {
  chunks: number;
  intervalMs: number;
}): Promise<StampedModelServer> {
  let completed = 0;
  let messages = 0;
  const server = http.createServer((req, res) => {
    void (async () => {
      const parts: Buffer[] = [];
      for await (const part of req) parts.push(part as Buffer);
      let body: { model?: unknown; stream?: unknown } = {};
      try {
        body = JSON.parse(Buffer.concat(parts).toString('utf8')) as typeof body;
      } catch {
        // answered below
      }
      if (req.method !== 'POST' || req.url?.split('?')[0] !== '/v1/messages' || body.stream !== true) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            type: 'error',
            error: { type: 'invalid_request_error', message: 'the stamped fake only streams /v1/messages' },
          }),
        );
        return;
      }
      messages++;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'request-id': `req_stamped${messages}`,
      });
      res.flushHeaders();
      const open = () => !res.destroyed && !res.writableEnded;
      const event = (name: string, data: unknown) => {
        if (open()) res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      const usage = {
        input_tokens: 10,
        output_tokens: options.chunks,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      };
      event('message_start', {
        type: 'message_start',
        message: {
          id: `msg_stamped${messages}`,
          type: 'message',
          role: 'assistant',
          model: typeof body.model === 'string' ? body.model : 'claude-stamped',
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { ...usage, output_tokens: 1 },
        },
      });
      event('content_block_start', {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'text', text: '' },
      });
      for (let i = 0; i < options.chunks && open(); i++) {
        await sleep(options.intervalMs);
        // Taken last, right before the write: what follows is the delivery being measured.
        const text = `t=${performance.now().toFixed(3)};`;
        event('content_block_delta', {
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'text_delta', text },
        });
      }
      if (!open()) return;
      event('content_block_stop', { type: 'content_block_stop', index: 0 });
      event('message_delta', {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage,
      });
      event('message_stop', { type: 'message_stop' });
      res.end();
      completed++;
    })().catch(() => res.destroy());
  });
  const port = await listenLocal(server);
  return {
    url: `http://${host}:${port}`,
    get completed() {
      return completed;
    },
    close: () => closeHttpServer(server),
  };
}
