import { spawn } from 'node:child_process';
import path from 'node:path';
import { AppError } from '../../platform/errors/AppError.js';

export const defaultGitPath = '/usr/bin/git';

export interface GitCall {
  /** The shadow repository; omitted only for `git init`. */
  gitDir?: string;
  workTree?: string;
  /** Written to stdin, then closed. */
  input?: string;
  extraEnv?: Record<string, string>;
  /** Non-zero exit codes the caller interprets itself instead of failing. */
  okExitCodes?: number[];
  /** Stop reading after this many bytes and report `truncated` instead of failing. */
  stdoutLimit?: number;
  timeoutMs?: number;
}

export interface GitResult {
  stdout: Buffer;
  stderr: string;
  exitCode: number;
  truncated: boolean;
}

// Without a limit a runaway command (a huge `ls-files`) would hold the whole output in memory.
const hardStdoutLimit = 256 * 1024 * 1024;
const stderrLimit = 64 * 1024;

/** Where git looks for `~/.gitconfig`, `~/.config/git/ignore` and friends: a directory of ours, empty. */
export function gitHomeDir(checkpointsDir: string): string {
  return path.join(checkpointsDir, '.home');
}

/**
 * A clean environment: nothing from the server's own environment (GIT_DIR, GIT_INDEX_FILE, proxies, the
 * operator's ~/.gitconfig hooks or excludes) may change what a checkpoint contains or where it is written.
 */
export function gitEnvironment(gitPath: string, homeDir: string): NodeJS.ProcessEnv {
  return {
    PATH: `${path.dirname(gitPath)}:/usr/bin:/bin`,
    HOME: homeDir,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    // Stable, English stderr: it ends up in logs and is matched by nobody, but should read the same everywhere.
    LC_ALL: 'C',
  };
}

/** Runs the git CLI with an argv array (never a shell), a timeout and a clean environment. */
export class GitRunner {
  readonly #gitPath: string;
  readonly #env: NodeJS.ProcessEnv;
  readonly #timeoutMs: number;

  constructor(options: { gitPath: string; homeDir: string; timeoutMs: number }) {
    this.#gitPath = options.gitPath;
    this.#env = gitEnvironment(options.gitPath, options.homeDir);
    this.#timeoutMs = options.timeoutMs;
  }

  async text(args: string[], call: GitCall = {}): Promise<string> {
    return (await this.run(args, call)).stdout.toString('utf8');
  }

  run(args: string[], call: GitCall = {}): Promise<GitResult> {
    const argv = [
      ...(call.gitDir === undefined ? [] : [`--git-dir=${call.gitDir}`]),
      ...(call.workTree === undefined ? [] : [`--work-tree=${call.workTree}`]),
      ...args,
    ];
    const limit = call.stdoutLimit ?? hardStdoutLimit;
    return new Promise<GitResult>((resolve, reject) => {
      const child = spawn(this.#gitPath, argv, {
        cwd: call.workTree ?? '/',
        env: { ...this.#env, ...call.extraEnv },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const chunks: Buffer[] = [];
      let size = 0;
      let stderr = '';
      let truncated = false;
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, call.timeoutMs ?? this.#timeoutMs);

      child.stdout.on('data', (chunk: Buffer) => {
        if (truncated) return;
        const room = limit - size;
        if (chunk.length > room) {
          chunks.push(chunk.subarray(0, room));
          size = limit;
          truncated = true;
          child.kill('SIGKILL');
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      });
      child.stderr.on('data', (chunk: Buffer) => {
        if (stderr.length < stderrLimit) stderr += chunk.toString('utf8');
      });
      // git may exit before reading all of stdin (a failed command); that EPIPE is reported by the exit code.
      child.stdin.on('error', () => undefined);
      child.stdin.end(call.input ?? '');

      child.on('error', (error) => {
        clearTimeout(timer);
        reject(gitFailure(argv, `could not start git: ${error.message}`, error));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        const stdout = Buffer.concat(chunks);
        if (truncated && !timedOut && call.stdoutLimit !== undefined) {
          resolve({ stdout, stderr, exitCode: 0, truncated });
        } else if (code !== null && (code === 0 || call.okExitCodes?.includes(code))) {
          resolve({ stdout, stderr, exitCode: code, truncated: false });
        } else {
          const why = timedOut ? 'timed out' : truncated ? 'output too large' : `exited ${code ?? signal}`;
          reject(gitFailure(argv, `${why}: ${stderr.trim()}`));
        }
      });
    });
  }
}

function gitFailure(argv: string[], detail: string, cause?: unknown): AppError {
  const command = argv.find((arg, i) => !arg.startsWith('-') && argv[i - 1] !== '-c') ?? 'git';
  // The stderr may name paths and internals: it goes to `cause`, which is logged but never sent.
  return new AppError('internal', 'Checkpoint storage failed', {
    cause: new Error(`git ${command} ${detail}`, { cause }),
  });
}
