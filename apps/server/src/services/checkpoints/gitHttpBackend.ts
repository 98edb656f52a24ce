import { spawn } from 'node:child_process';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { AppError } from '../../platform/errors/AppError.js';
import { defaultGitPath, gitEnvironment, gitHomeDir } from './gitRunner.js';

export interface GitHttpRequest {
  /** `<checkpointsDir>/<projectId>.git`, from `CheckpointService.repoDir`. */
  repoDir: string;
  /** `/info/refs`, `/git-upload-pack` or `/git-receive-pack`: the smart protocol only. */
  pathInfo: string;
  method: string;
  /** Without the `?`. */
  queryString: string;
  contentType: string | undefined;
  /** git gzips large fetch negotiations; git-http-backend inflates `gzip` itself. */
  contentEncoding?: string | undefined;
  /** The `Git-Protocol` request header, which opts a client into protocol v2. */
  gitProtocol?: string | undefined;
  body: Readable | undefined;
  /** Who is signed in; the route has already checked read (fetch) or write (push) permission. */
  remoteUser: string;
  remoteAddr?: string;
  gitPath?: string;
  timeoutMs?: number;
}

export interface GitHttpExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** For logs only: it may name server paths. */
  stderr: string;
}

export interface GitHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Readable;
  /** Settles, never rejects, once git-http-backend has exited. */
  exited: Promise<GitHttpExit>;
}

const services = new Set(['git-upload-pack', 'git-receive-pack']);
const maxHeadBytes = 64 * 1024;
const stderrLimit = 64 * 1024;

/**
 * Serves git's smart HTTP protocol for one shadow repository through `git http-backend` (a CGI program;
 * the `git` wrapper finds it in `git --exec-path`). Pack negotiation, gzip bodies and protocol v2 stay
 * git's job; this only maps the request to CGI variables and the CGI answer back to status, headers, body.
 */
export async function gitHttpBackend(request: GitHttpRequest): Promise<GitHttpResponse> {
  checkSmartRequest(request);
  const encoding = request.contentEncoding?.trim().toLowerCase() ?? '';
  if (!['', 'identity', 'gzip', 'x-gzip'].includes(encoding)) {
    throw new AppError('unsupported_media_type', 'Unsupported Content-Encoding');
  }
  const gitPath = request.gitPath ?? defaultGitPath;
  const projectRoot = path.dirname(request.repoDir);
  const env: NodeJS.ProcessEnv = {
    ...gitEnvironment(gitPath, gitHomeDir(projectRoot)),
    GIT_PROJECT_ROOT: projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    PATH_INFO: `/${path.basename(request.repoDir)}${request.pathInfo}`,
    REQUEST_METHOD: request.method.toUpperCase(),
    QUERY_STRING: request.queryString,
    CONTENT_TYPE: request.contentType ?? '',
    REMOTE_USER: request.remoteUser,
    REMOTE_ADDR: request.remoteAddr ?? '',
  };
  if (encoding === 'gzip' || encoding === 'x-gzip') env.HTTP_CONTENT_ENCODING = encoding;
  if (request.gitProtocol) env.HTTP_GIT_PROTOCOL = request.gitProtocol;

  const child = spawn(gitPath, ['http-backend'], { cwd: projectRoot, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < stderrLimit) stderr += chunk.toString('utf8');
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), request.timeoutMs ?? 10 * 60_000);
  const exited = new Promise<GitHttpExit>((resolve) => {
    child.on('error', (error) => {
      stderr += `\n${error.message}`;
      clearTimeout(timer);
      resolve({ code: null, signal: null, stderr });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });

  // The backend may answer (403, 404) without reading the body; that EPIPE is not our error.
  child.stdin.on('error', () => undefined);
  if (request.body === undefined) {
    child.stdin.end();
  } else {
    request.body.once('error', () => child.kill('SIGKILL'));
    request.body.pipe(child.stdin);
  }

  const head = await readCgiHead(child.stdout, exited, () => child.kill('SIGKILL'));
  const body = new PassThrough();
  body.write(head.rest);
  child.stdout.pipe(body);
  // A client that hangs up mid-response must not leave the pack process running.
  body.once('close', () => {
    if (!body.readableEnded) child.kill('SIGKILL');
  });
  return { ...parseCgiHead(head.text), body, exited };
}

function checkSmartRequest(request: GitHttpRequest): void {
  if (!path.isAbsolute(request.repoDir) || !request.repoDir.endsWith('.git')) {
    throw new AppError('internal', 'Git request failed', {
      cause: new Error(`bad repoDir ${request.repoDir}`),
    });
  }
  const expected =
    request.pathInfo === '/info/refs' ? 'GET' : services.has(request.pathInfo.slice(1)) ? 'POST' : null;
  // Smart protocol only: the dumb one would serve loose objects and packs as files.
  if (expected === null) throw AppError.notFound('Git endpoint');
  if (
    request.pathInfo === '/info/refs' &&
    !services.has(new URLSearchParams(request.queryString).get('service') ?? '')
  ) {
    throw AppError.notFound('Git endpoint');
  }
  // With http.receivepack on, git-http-backend trusts whoever is named here: the route must have signed them in.
  if (request.remoteUser.trim() === '') throw AppError.unauthenticated();
  if (request.method.toUpperCase() !== expected) {
    throw new AppError('method_not_allowed', `Use ${expected} for this git endpoint`);
  }
}

function readCgiHead(
  stdout: Readable,
  exited: Promise<GitHttpExit>,
  abort: () => void,
): Promise<{ text: string; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const fail = (reason: string): void => {
      stdout.off('data', onData);
      stdout.off('end', onEnd);
      abort();
      void exited.then((exit) => {
        reject(
          new AppError('internal', 'Git request failed', {
            cause: new Error(
              `git http-backend ${reason} (exit ${exit.code ?? exit.signal}): ${exit.stderr.trim()}`,
            ),
          }),
        );
      });
    };
    const onEnd = (): void => fail('ended before its headers');
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = headEnd(buffered);
      if (end === null) {
        if (buffered.length > maxHeadBytes) fail('sent oversized headers');
        return;
      }
      stdout.off('data', onData);
      stdout.off('end', onEnd);
      stdout.pause();
      resolve({
        text: buffered.subarray(0, end.at).toString('latin1'),
        rest: buffered.subarray(end.at + end.length),
      });
    };
    stdout.on('data', onData);
    stdout.once('end', onEnd);
  });
}

function headEnd(buffer: Buffer): { at: number; length: number } | null {
  const crlf = buffer.indexOf('\r\n\r\n');
  const lf = buffer.indexOf('\n\n');
  if (crlf !== -1 && (lf === -1 || crlf < lf)) return { at: crlf, length: 4 };
  return lf === -1 ? null : { at: lf, length: 2 };
}

function parseCgiHead(text: string): { status: number; headers: Record<string, string> } {
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') {
      status = Number.parseInt(value, 10) || 500;
    } else {
      headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
    }
  }
  return { status, headers };
}
