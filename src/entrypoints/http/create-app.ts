import { Hono, type MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { requestId } from 'hono/request-id';
import type { AcceptUpload } from '../../application/use-cases/accept-upload.js';
import type { DeletePhoto } from '../../application/use-cases/delete-photo.js';
import type { GetPhoto } from '../../application/use-cases/get-photo.js';
import type { ListGallery } from '../../application/use-cases/list-gallery.js';
import type { RegisterUpload } from '../../application/use-cases/register-upload.js';
import type { UploadPhoto } from '../../application/use-cases/upload-photo.js';
import { InvalidInputError, PhotoNotReadyError, UnsupportedMediaTypeError } from '../../domain/errors.js';
import type { Limits } from '../../domain/limits.js';
import type { OwnerId } from '../../domain/owner-id.js';
import { PhotoId } from '../../domain/photo-id.js';
import type { RenditionSettings } from '../../domain/presets.js';
import { EdgeError } from './errors.js';
import { type FilesRoutesDeps, filesRoutes } from './files-routes.js';
import type { IdentityResolver } from './identity.js';
import { openApiDocument } from './openapi.js';
import { toPhotoJson } from './photo-json.js';
import { problemResponse, toProblem } from './problem.js';
import { readBounded } from './read-body.js';
import { ListPhotosQuery, RegisterUploadBody } from './schemas.js';
import { unmatched } from './unmatched.js';

/** One structured log line. */
export type LogEntry = Record<string, unknown> & { level: 'info' | 'warn' | 'error'; msg: string };

export interface AppDeps {
  readonly useCases: {
    readonly registerUpload: RegisterUpload;
    readonly uploadPhoto: UploadPhoto;
    readonly listGallery: ListGallery;
    readonly getPhoto: GetPhoto;
    readonly deletePhoto: DeletePhoto;
    readonly acceptUpload: AcceptUpload;
  };
  readonly identity: IdentityResolver;
  readonly limits: Limits;
  readonly renditions: RenditionSettings;
  /** Origins allowed by CORS; `*` allows any. */
  readonly allowedOrigins: readonly string[];
  /** The `/files` routes, for UrlSigners that sign with HMAC (memory, Cloudflare). */
  readonly files?: FilesRoutesDeps;
  /** Where structured logs go (default: one JSON line on stdout). */
  readonly log?: (entry: LogEntry) => void;
}

type Env = { Variables: { owner: OwnerId; requestId: string } };

const defaultLog = (entry: LogEntry) =>
  console.log(JSON.stringify({ time: new Date().toISOString(), ...entry }));

// Multipart framing around a direct upload's file: the file itself is checked exactly by the use case.
const MULTIPART_OVERHEAD = 64 * 1024;
// A RegisterUpload body is three short fields.
const MAX_JSON_BODY_BYTES = 16 * 1024;

const photoIdOf = (raw: string): PhotoId => {
  const id = PhotoId.parse(raw);
  if (!id.ok) throw id.error;
  return id.value;
};

/**
 * Builds the HTTP API: every runtime (Node, Lambda, Workers) serves this one
 * `fetch` function, and only translates its events to and from it.
 *
 * @example
 * const app = createApp(deps);
 * const res = await app.request('/photos', { headers: { 'X-Owner-Id': 'alice' } });
 */
export function createApp(deps: AppDeps): Hono<Env> {
  const { useCases, identity, limits } = deps;
  const log = deps.log ?? defaultLog;
  const app = new Hono<Env>();
  const presetNames = new Set(deps.renditions.presets.map((p) => p.name));

  app.use(requestId());
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    log({
      level: c.res.status >= 500 ? 'error' : 'info',
      msg: 'request',
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      ...(c.get('owner') ? { owner: c.get('owner') } : {}),
    });
  });
  app.use(
    cors({
      origin: deps.allowedOrigins.includes('*') ? '*' : [...deps.allowedOrigins],
      allowHeaders: ['Authorization', 'Content-Type', 'X-Owner-Id'],
      allowMethods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
      exposeHeaders: ['Location', 'Retry-After', 'X-Request-Id'],
      maxAge: 600,
    }),
  );

  app.onError((error, c) => {
    const { body } = toProblem(error);
    if (body.status >= 500) {
      log({
        level: 'error',
        msg: 'unhandled error',
        requestId: c.get('requestId'),
        error:
          error instanceof Error
            ? { name: error.name, message: error.message, stack: error.stack }
            : String(error),
      });
    }
    return problemResponse(error, c.get('requestId'));
  });
  app.notFound((c) => problemResponse(unmatched(app.routes, c), c.get('requestId')));

  let openApi: Record<string, unknown> | undefined;
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.get('/openapi.json', (c) => {
    openApi ??= openApiDocument({
      auth: identity.scheme,
      limits,
      renditions: deps.renditions,
      files: deps.files !== undefined,
    });
    return c.json(openApi);
  });
  if (deps.files) app.route('/files', filesRoutes(deps.files));

  // Identity is resolved on the API routes only: /health, /openapi.json, /files
  // (authorised by their signature) and whatever a runtime serves beside the
  // API (the gallery page) need none, and an unknown route is a 404, not a 401.
  const authenticate: MiddlewareHandler<Env> = async (c, next) => {
    c.set('owner', await identity(c));
    await next();
  };
  for (const path of ['/uploads', '/photos', '/photos/*']) app.use(path, authenticate);

  app.post('/uploads', async (c) => {
    const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (type !== 'application/json') {
      throw new UnsupportedMediaTypeError(
        `send the upload as application/json, not ${type || 'no Content-Type'}`,
      );
    }
    // Bounded: a chunked body declares no length, and must not be buffered whole.
    const text = new TextDecoder().decode(await readBounded(c.req.raw, MAX_JSON_BODY_BYTES));
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new InvalidInputError('the body must be a JSON object', 'body');
    }
    const body = RegisterUploadBody.parse(json);
    const result = await useCases.registerUpload.execute({ ownerId: c.get('owner'), ...body });
    if (!result.ok) throw result.error;
    const { photo, upload } = result.value;
    return c.json({ photo: toPhotoJson({ photo, urls: { renditions: {} } }), upload }, 201);
  });

  app.post('/photos', async (c) => {
    const type = (c.req.header('content-type') ?? '').toLowerCase();
    let bytes: Uint8Array;
    let filename: string;
    if (type.startsWith('multipart/form-data')) {
      // Read with a bound before parsing: a chunked body declares no length, and
      // formData() would otherwise buffer however much is sent.
      const raw = await readBounded(c.req.raw, limits.maxDirectUploadBytes + MULTIPART_OVERHEAD);
      const form = await new Response(raw as Uint8Array<ArrayBuffer>, {
        headers: { 'Content-Type': c.req.header('content-type') ?? '' },
      })
        .formData()
        .catch(() => {
          throw new InvalidInputError('the multipart body is malformed', 'file');
        });
      const file = form.get('file');
      if (!(file instanceof File))
        throw new InvalidInputError('the multipart body needs a `file` field', 'file');
      bytes = new Uint8Array(await file.arrayBuffer());
      filename = file.name || 'upload';
    } else {
      if (!type.startsWith('image/')) {
        throw new UnsupportedMediaTypeError(
          `send an image body (image/jpeg, png, webp, gif, avif, tiff), not ${type || 'no Content-Type'}`,
        );
      }
      bytes = await readBounded(c.req.raw, limits.maxDirectUploadBytes);
      filename = c.req.query('filename') ?? c.req.header('x-filename') ?? 'upload';
    }
    const result = await useCases.uploadPhoto.execute({ ownerId: c.get('owner'), filename, bytes });
    if (!result.ok) throw result.error;
    return c.json({ photo: toPhotoJson({ photo: result.value, urls: { renditions: {} } }) }, 202);
  });

  app.get('/photos', async (c) => {
    const query = ListPhotosQuery.parse(c.req.query());
    const result = await useCases.listGallery.execute({ ownerId: c.get('owner'), ...query });
    if (!result.ok) throw result.error;
    const { items, nextCursor } = result.value;
    return c.json(
      nextCursor ? { items: items.map(toPhotoJson), nextCursor } : { items: items.map(toPhotoJson) },
    );
  });

  app.get('/photos/:id', async (c) => {
    const result = await useCases.getPhoto.execute({
      ownerId: c.get('owner'),
      photoId: photoIdOf(c.req.param('id')),
    });
    if (!result.ok) throw result.error;
    return c.json(toPhotoJson(result.value));
  });

  app.get('/photos/:id/original', async (c) => {
    const result = await useCases.getPhoto.execute({
      ownerId: c.get('owner'),
      photoId: photoIdOf(c.req.param('id')),
    });
    if (!result.ok) throw result.error;
    const { photo, urls } = result.value;
    if (!urls.original) throw new PhotoNotReadyError(photo.id, photo.status);
    return c.redirect(urls.original, 302);
  });

  app.get('/photos/:id/thumbnails/:preset', async (c) => {
    const photoId = photoIdOf(c.req.param('id'));
    const preset = c.req.param('preset');
    if (!presetNames.has(preset))
      throw new EdgeError(404, 'preset-not-found', `no preset named ${preset}`, 'preset');
    const result = await useCases.getPhoto.execute({ ownerId: c.get('owner'), photoId });
    if (!result.ok) throw result.error;
    const { photo, urls } = result.value;
    if (photo.status === 'failed') {
      throw new EdgeError(
        409,
        'photo-failed',
        `photo ${photo.id} failed and will not be ready: ${photo.failure?.message ?? ''}`,
      );
    }
    const url = urls.renditions[preset];
    if (!url) throw new PhotoNotReadyError(photo.id, photo.status);
    return c.redirect(url, 302);
  });

  app.delete('/photos/:id', async (c) => {
    const result = await useCases.deletePhoto.execute({
      ownerId: c.get('owner'),
      photoId: photoIdOf(c.req.param('id')),
    });
    if (!result.ok) throw result.error;
    return c.body(null, 204);
  });

  return app;
}
