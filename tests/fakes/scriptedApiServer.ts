import type http from 'node:http';
import { startJsonServer, type Exchange, type RecordedRequest, type RunningHttpServer } from './fakeHttp.js';

export interface ScriptedApiOptions {
  /** When set, requests must present it (where depends on the API), else 401 — no script consumed. */
  apiKey?: string;
  /** Pause before each SSE frame, in ms (default 0); a scripted response may set its own. */
  delayMs?: number;
  /** Reject malformed requests with 400 and the real API's wording (default true). */
  validate?: boolean;
}

/** An error answer in the terms both APIs use; each fake writes it in its own body format. */
export interface ApiErrorReply {
  status: number;
  message: string;
  /** Default `invalid_request_error`, which both APIs use for a request they refuse. */
  errorType?: string;
  code?: string | null;
  headers?: Record<string, string>;
}

/** A scripted error answer: the next request gets it instead of a model response. */
export interface ScriptedError extends ApiErrorReply {
  type: 'failure';
}

/** How an API refuses a request: what it serves, where it expects the key, its wording and its error body. */
export interface ApiDialect<Body> {
  /** The one path the fake serves, e.g. `/v1/messages`. */
  endpoint: string;
  /** Names the fake in the 400 for a request the script has no response left for. */
  name: string;
  /** The message for a body that is not JSON. */
  unparsableBody: string;
  /** The answer for a path the API does not serve. */
  notFound(exchange: Exchange<Body>): ApiErrorReply;
  /** The 401 when the request does not present `apiKey` where the API expects it, else null. */
  keyRefusal(req: http.IncomingMessage, apiKey: string): ApiErrorReply | null;
  /** The first problem the real API would reject the body for, in its words, or null. */
  validate(body: Body): string | null;
  /** Writes an error answer in the API's body format. */
  sendError(exchange: Exchange<Body>, error: ApiErrorReply & { errorType: string }): void;
}

/**
 * What the model-API fakes share: a JSON server on a random port that records every request, a queue of
 * scripted responses that requests take in order, and the gates a request passes before it takes one — the
 * endpoint, the method, the key, a parseable and (unless `validate: false`) valid body — in the order the real
 * APIs check them. The dialect words the refusals as the API does; a subclass writes the scripted responses.
 */
export abstract class ScriptedApiServer<
  Body extends object,
  Reply extends { type: string; delayMs?: number },
  Failure extends ScriptedError = ScriptedError,
> {
  /** Everything that reached the server, in order (also requests answered with an error). */
  readonly requests: RecordedRequest<Body>[] = [];
  private readonly queue: (Reply | Failure)[] = [];
  private http!: RunningHttpServer;

  protected constructor(
    protected readonly options: ScriptedApiOptions,
    private readonly api: ApiDialect<Body>,
  ) {}

  /** Answers with a scripted model response. */
  protected abstract respond(exchange: Exchange<Body>, scripted: Reply, body: Body): Promise<void>;

  /** Starts the server; the fakes' static `start` returns this. */
  protected async listen(): Promise<this> {
    this.http = await startJsonServer(this.requests, (exchange) => this.handle(exchange));
    return this;
  }

  /** `http://127.0.0.1:<port>` */
  protected get origin(): string {
    return this.http.origin;
  }

  /** Appends responses; each request to the endpoint takes the next one. */
  script(responses: (Reply | Failure)[]): void {
    this.queue.push(...responses);
  }

  /** Scripted responses not yet served. */
  get pending(): number {
    return this.queue.length;
  }

  close(): Promise<void> {
    return this.http.close();
  }

  /** The pause before each SSE frame of `scripted`. */
  protected delayOf(scripted: Reply): number {
    return scripted.delayMs ?? this.options.delayMs ?? 0;
  }

  private async handle(exchange: Exchange<Body>): Promise<void> {
    const { req, record } = exchange;
    const api = this.api;
    const refuse = (error: ApiErrorReply) =>
      api.sendError(exchange, { ...error, errorType: error.errorType ?? 'invalid_request_error' });

    if (record.path.split('?')[0] !== api.endpoint) return refuse(api.notFound(exchange));
    if (req.method !== 'POST') return refuse({ status: 405, message: `Method ${req.method} not allowed` });
    if (this.options.apiKey !== undefined) {
      const refusal = api.keyRefusal(req, this.options.apiKey);
      if (refusal) return refuse(refusal);
    }
    const body = record.body;
    if (body === undefined || typeof body !== 'object' || body === null) {
      return refuse({ status: 400, message: api.unparsableBody });
    }
    if (this.options.validate !== false) {
      const problem = api.validate(body);
      if (problem) return refuse({ status: 400, message: problem });
    }
    const scripted = this.queue.shift();
    if (!scripted) {
      return refuse({
        status: 400,
        message: `${api.name} fake: no scripted response left for request #${record.index}`,
      });
    }
    if (this.isFailure(scripted)) return refuse(scripted);
    await this.respond(exchange, scripted, body);
  }

  private isFailure(scripted: Reply | Failure): scripted is Failure {
    return scripted.type === 'failure';
  }
}
