import { AppError } from '../../platform/errors/AppError.js';
import type { FilesService } from '../files/index.js';

export type FileAccess = Pick<FilesService, 'read' | 'write'>;

export interface DiskText {
  text: string;
  /** The content hash the files service compares `If-Match` with. */
  etag: string;
}

/**
 * A workspace file as co-editable text, or the reason it cannot be one. Only UTF-8 text that survives the
 * round trip byte for byte is accepted: anything else would be rewritten differently on the first save.
 */
export async function readDocumentText(
  files: FileAccess,
  projectId: string,
  path: string,
  maxBytes: number,
): Promise<DiskText> {
  const file = await files.read(projectId, path);
  if (file.content.length > maxBytes) {
    throw new AppError(
      'payload_too_large',
      `'${file.path}' is ${file.content.length} bytes; co-editing opens files up to ${maxBytes} bytes`,
    );
  }
  if (file.binary) {
    throw new AppError('unsupported_media_type', `'${file.path}' is a binary file and cannot be co-edited`);
  }
  const text = file.content.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(file.content)) {
    throw new AppError('unsupported_media_type', `'${file.path}' is not UTF-8 text and cannot be co-edited`);
  }
  return { text, etag: file.etag };
}
