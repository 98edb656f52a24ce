import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import multipart from '@fastify/multipart';
import {
  IdParamsSchema,
  MkdirBodySchema,
  MoveBodySchema,
  SearchBodySchema,
  SearchResultSchema,
  TreeQuerySchema,
  TreeSchema,
} from '@vaporform/contracts';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../platform/errors/AppError.js';
import { typed, type HttpApp } from '../../platform/http/createHttpApp.js';
import type { FilesService } from './service.js';
import type { WorkspaceWatcher } from './workspaceWatcher.js';

export interface FilesRoutesOptions {
  files: FilesService;
  watcher: WorkspaceWatcher;
  scratchDir: string;
  maxUploadBytes: number;
  maxImportBytes: number;
}

const FileParamsSchema = z.object({ id: z.uuid(), '*': z.string() });
const WrittenSchema = z.object({ path: z.string(), etag: z.string(), size: z.number().int() });
const noContent = { 204: z.null().describe('No content') };
/** Types a browser would run; served as text so a workspace file can never script the IDE's origin. */
const activeTypes =
  /^(text\/html|application\/xhtml\+xml|image\/svg\+xml|text\/xml|application\/xml|text\/javascript|application\/javascript)/;

function filePath(raw: string): string {
  if (raw.endsWith('/'))
    throw new AppError('bad_request', `'${raw}' names a directory; file routes need a file path`);
  return raw;
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

export function registerFilesRoutes(app: HttpApp, options: FilesRoutesOptions): void {
  const { files, watcher } = options;
  const tags = ['files'];

  void app.register(async (scope) => {
    // Whatever touches a project's files keeps its watcher running, so changes made elsewhere are reported.
    // A write waits until the watch is live (only the first request of an idle project pays): otherwise the
    // write could land before it, and the container would miss e.g. a changed devcontainer.json.
    scope.addHook('preHandler', async (request) => {
      const projectId = (request.params as { id?: string }).id;
      if (!projectId) return;
      const watching = watcher
        .touch(projectId)
        .catch((error: unknown) => request.log.warn({ err: error }, 'watch failed'));
      if (request.method !== 'GET' && request.method !== 'HEAD') await watching;
    });
    const api = typed(scope);

    api.get(
      '/api/projects/:id/tree',
      {
        config: { policy: { access: 'project', permission: 'read' } },
        schema: { tags, params: IdParamsSchema, querystring: TreeQuerySchema, response: { 200: TreeSchema } },
      },
      async (request) =>
        files.tree(request.params.id, {
          all: request.query.all === 'true',
          sizes: request.query.sizes === 'true',
        }),
    );

    api.get(
      '/api/projects/:id/files/*',
      {
        config: { policy: { access: 'project', permission: 'read' } },
        schema: {
          tags,
          params: FileParamsSchema,
          querystring: z.strictObject({ encoding: z.enum(['utf8']).optional() }),
          description: 'The raw file content, with an ETag; `?encoding=utf8` refuses binary files.',
        },
      },
      async (request, reply) => {
        const file = await files.read(request.params.id, filePath(request.params['*']));
        if (request.query.encoding === 'utf8' && file.binary) {
          throw new AppError(
            'unsupported_media_type',
            `'${file.path}' is a binary file and cannot be read as text`,
          );
        }
        reply
          .header('etag', file.etag)
          .header('cache-control', 'no-cache')
          .header('x-content-type-options', 'nosniff')
          .header('content-security-policy', "default-src 'none'; sandbox");
        if (header(request, 'if-none-match') === file.etag) return reply.code(304).send();
        const type = activeTypes.test(file.contentType) ? 'text/plain; charset=utf-8' : file.contentType;
        return reply.type(type).send(file.content);
      },
    );

    api.delete(
      '/api/projects/:id/files/*',
      {
        config: { policy: { access: 'project', permission: 'write' } },
        schema: { tags, params: FileParamsSchema, response: noContent },
      },
      async (request, reply) => {
        await files.delete(request.params.id, request.params['*']);
        return reply.code(204).send(null);
      },
    );

    api.post(
      '/api/projects/:id/move',
      {
        config: { policy: { access: 'project', permission: 'write' } },
        schema: {
          tags,
          params: IdParamsSchema,
          body: MoveBodySchema.extend({ overwrite: z.boolean().optional() }),
          response: { 200: z.object({ from: z.string(), to: z.string() }) },
        },
      },
      async (request) =>
        files.move(request.params.id, request.body.from, request.body.to, {
          overwrite: request.body.overwrite ?? false,
        }),
    );

    api.post(
      '/api/projects/:id/directories',
      {
        config: { policy: { access: 'project', permission: 'write' } },
        schema: {
          tags,
          params: IdParamsSchema,
          body: MkdirBodySchema,
          response: { 200: z.object({ path: z.string() }), 201: z.object({ path: z.string() }) },
        },
      },
      async (request, reply) => {
        const result = await files.mkdir(request.params.id, request.body.path);
        return reply.code(result.created ? 201 : 200).send({ path: result.path });
      },
    );

    api.post(
      '/api/projects/:id/search',
      {
        config: { policy: { access: 'project', permission: 'read' } },
        schema: {
          tags,
          params: IdParamsSchema,
          body: SearchBodySchema,
          response: { 200: SearchResultSchema },
        },
      },
      async (request) => files.search(request.params.id, request.body),
    );

    api.get(
      '/api/projects/:id/download',
      {
        config: { policy: { access: 'project', permission: 'read' } },
        schema: { tags, params: IdParamsSchema, description: 'The workspace as a zip archive (streamed).' },
      },
      async (request, reply) =>
        reply
          .type('application/zip')
          .header('content-disposition', `attachment; filename="${request.params.id}.zip"`)
          .send(files.exportZip(request.params.id)),
    );

    // Raw bodies: a file's bytes are whatever they are, whatever the client calls them.
    await scope.register(async (raw) => {
      raw.removeAllContentTypeParsers();
      raw.addContentTypeParser(
        '*',
        { parseAs: 'buffer', bodyLimit: options.maxUploadBytes },
        (_request, body, done) => done(null, body),
      );
      const rawApi = typed(raw);
      rawApi.put(
        '/api/projects/:id/files/*',
        {
          config: { policy: { access: 'project', permission: 'write' } },
          schema: {
            tags,
            params: FileParamsSchema,
            response: { 200: WrittenSchema, 201: WrittenSchema },
            description:
              'Writes the raw body atomically. `If-Match: <etag>` fails with 409 when the file changed.',
          },
        },
        async (request, reply) => {
          const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
          const result = await files.write(request.params.id, filePath(request.params['*']), body, {
            ifMatch: header(request, 'if-match'),
            ifNoneMatch: header(request, 'if-none-match'),
          });
          return reply
            .code(result.created ? 201 : 200)
            .header('etag', result.etag)
            .send({ path: result.path, etag: result.etag, size: result.size });
        },
      );
    });

    await scope.register(async (archive) => {
      archive.removeAllContentTypeParsers();
      archive.addContentTypeParser(
        ['application/zip', 'application/octet-stream'],
        (_request, payload, done) => done(null, payload),
      );
      typed(archive).post(
        '/api/projects/:id/import',
        {
          config: { policy: { access: 'project', permission: 'write' } },
          bodyLimit: options.maxImportBytes,
          schema: {
            tags,
            params: IdParamsSchema,
            response: { 200: z.object({ files: z.number().int() }) },
            description: 'Merges a zip archive (body, application/zip) into the workspace; all or nothing.',
          },
        },
        async (request) =>
          importArchive(
            request.params.id,
            request.body as Readable,
            request.headers['content-length'],
            options,
          ),
      );
    });

    await scope.register(async (uploads) => {
      await uploads.register(multipart, {
        limits: { fileSize: options.maxUploadBytes, files: 100, fields: 10 },
      });
      typed(uploads).post(
        '/api/projects/:id/upload',
        {
          config: { policy: { access: 'project', permission: 'write' } },
          schema: {
            tags,
            params: IdParamsSchema,
            querystring: z.strictObject({ dir: z.string().max(1024).default('') }),
            response: { 201: z.array(WrittenSchema) },
            description: 'multipart/form-data upload of one or more files into `dir`.',
          },
        },
        async (request, reply) =>
          reply.code(201).send(await receiveUploads(request, request.params.id, files, request.query.dir)),
      );
    });
  });
}

/**
 * Copies the request body to `file`, failing with 413 past `limit`. The rest of an oversize body is read
 * and dropped rather than the connection torn down, so the client gets the 413 instead of a reset.
 */
async function saveBody(body: Readable, file: string, limit: number): Promise<void> {
  const output = createWriteStream(file);
  let seen = 0;
  try {
    for await (const chunk of body.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      seen += chunk.length;
      if (seen > limit) {
        body.resume();
        throw new AppError('payload_too_large', `The archive is larger than ${limit} bytes`);
      }
      if (!output.write(chunk)) await once(output, 'drain');
    }
  } finally {
    output.end();
    await finished(output);
  }
}

async function importArchive(
  projectId: string,
  body: Readable,
  declaredLength: string | undefined,
  options: FilesRoutesOptions,
) {
  if (declaredLength !== undefined && Number(declaredLength) > options.maxImportBytes) {
    throw new AppError('payload_too_large', `The archive is larger than ${options.maxImportBytes} bytes`);
  }
  await mkdir(options.scratchDir, { recursive: true });
  const directory = await mkdtemp(path.join(options.scratchDir, 'upload-'));
  try {
    const zipFile = path.join(directory, 'archive.zip');
    await saveBody(body, zipFile, options.maxImportBytes);
    return await options.files.importZip(projectId, zipFile);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

async function receiveUploads(
  request: FastifyRequest,
  projectId: string,
  files: FilesService,
  directory: string,
) {
  if (!request.isMultipart())
    throw new AppError('unsupported_media_type', 'Send the files as multipart/form-data');
  const written = [];
  for await (const part of request.files()) {
    const content = await part.toBuffer();
    if (part.file.truncated)
      throw new AppError('payload_too_large', `'${part.filename}' is larger than the upload limit`);
    const name = path.posix.basename(part.filename.replaceAll('\\', '/'));
    written.push(await files.write(projectId, directory ? `${directory}/${name}` : name, content));
  }
  if (written.length === 0) throw new AppError('bad_request', 'The upload contained no files');
  return written.map(({ path: writtenPath, etag, size }) => ({ path: writtenPath, etag, size }));
}
