import { z } from 'zod';
import { api, apiPath, request } from '../../platform/api';
import { ApiError } from '../../platform/ApiError';

/** Files over this open as a notice, not in the editor (VS Code asks too: big models make Monaco crawl). */
export const maxEditorBytes = 2 * 1024 * 1024;
/** Larger files open only when asked ("Open Anyway"), up to the server's own limit. */
export const maxForcedBytes = 10 * 1024 * 1024;

export type ReadResult =
  | { kind: 'text'; text: string; etag: string | null; bom: boolean }
  | { kind: 'notModified' }
  | { kind: 'binary'; size: number }
  | { kind: 'tooLarge'; size: number }
  | { kind: 'missing' };

export interface WriteOptions {
  /** Fails with ApiError `conflict` if the file is no longer this version. */
  ifMatch?: string;
  /** `*`: only create; fails with `conflict` if the file exists. */
  ifNoneMatch?: string;
  /** Writes a UTF-8 byte order mark first (the file had one). */
  bom?: boolean;
}

/** How the editors reach files; a fake in tests. */
export interface FileAccess {
  read(path: string, options?: { etag?: string | null; limit?: number }): Promise<ReadResult>;
  write(path: string, text: string, options?: WriteOptions): Promise<{ etag: string }>;
  readAtCheckpoint(checkpointId: string, path: string): Promise<ReadResult>;
}

const WrittenSchema = z.object({ path: z.string(), etag: z.string(), size: z.number() });
const utf8Bom = [0xef, 0xbb, 0xbf];

/** Decodes file bytes for the editor: binary (a NUL byte, like git and the server judge it) or not UTF-8. */
export function decodeText(bytes: Uint8Array): { text: string; bom: boolean } | null {
  const head = bytes.subarray(0, 8000);
  if (head.includes(0)) return null;
  const bom = bytes.length >= 3 && utf8Bom.every((byte, index) => bytes[index] === byte);
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(
      bom ? bytes.subarray(3) : bytes,
    );
    return { text, bom };
  } catch {
    return null;
  }
}

async function readResponse(response: Response, limit: number): Promise<ReadResult> {
  if (response.status === 304) return { kind: 'notModified' };
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel().catch(() => undefined);
    return { kind: 'tooLarge', size: declared };
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.length > limit) return { kind: 'tooLarge', size: bytes.length };
  const decoded = decodeText(bytes);
  if (!decoded) return { kind: 'binary', size: bytes.length };
  return { kind: 'text', text: decoded.text, bom: decoded.bom, etag: response.headers.get('etag') };
}

function missingOr(error: unknown): ReadResult {
  if (error instanceof ApiError && error.code === 'not_found') return { kind: 'missing' };
  if (error instanceof ApiError && error.code === 'payload_too_large') return { kind: 'tooLarge', size: NaN };
  throw error;
}

/** The files API of one project. */
export function httpFileAccess(projectId: string): FileAccess {
  return {
    async read(path, options = {}) {
      try {
        const response = await request(apiPath('projects', projectId, 'files', path), {
          headers: options.etag ? { 'if-none-match': options.etag } : {},
        });
        return await readResponse(response, options.limit ?? maxEditorBytes);
      } catch (error) {
        return missingOr(error);
      }
    },
    async write(path, text, options = {}) {
      const headers: Record<string, string> = {};
      if (options.ifMatch) headers['if-match'] = options.ifMatch;
      if (options.ifNoneMatch) headers['if-none-match'] = options.ifNoneMatch;
      const parts: BlobPart[] = options.bom ? [new Uint8Array(utf8Bom), text] : [text];
      const written = await api(apiPath('projects', projectId, 'files', path), {
        method: 'PUT',
        body: new Blob(parts, { type: 'text/plain;charset=utf-8' }),
        headers,
        schema: WrittenSchema,
      });
      return { etag: written.etag };
    },
    async readAtCheckpoint(checkpointId, path) {
      try {
        const response = await request(
          apiPath('projects', projectId, 'checkpoints', checkpointId, 'files', path),
        );
        return await readResponse(response, maxEditorBytes);
      } catch (error) {
        return missingOr(error);
      }
    },
  };
}
